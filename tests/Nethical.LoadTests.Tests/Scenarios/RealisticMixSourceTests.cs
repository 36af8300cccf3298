using System.Text;
using System.Text.Json;
using Nethical.LoadTests.Scenarios;

namespace Nethical.LoadTests.Tests.Scenarios;

public sealed class RealisticMixSourceTests
{
    [Theory]
    [InlineData(HistoryMode.Conversations)]
    [InlineData(HistoryMode.Fresh)]
    internal void Next_ThousandBodies_DistinctValidChatsWithTheMixShares(HistoryMode history)
    {
        var source = new RealisticMixSource(seed: 7, streamShare: 0, history: history);
        var bodies = Enumerable.Range(0, 1000).Select(_ => source.Next()).ToList();

        Assert.Equal(bodies.Count, bodies.Select(static b => Convert.ToBase64String(b)).Distinct().Count());
        var tools = 0;
        var attacks = 0;
        var documents = 0;
        foreach (var body in bodies)
        {
            using var json = JsonDocument.Parse(body);
            var messages = json.RootElement.GetProperty("messages");
            Assert.Equal("system", messages[0].GetProperty("role").GetString());
            Assert.InRange(body.Length, 150, 34_000);
            tools += json.RootElement.TryGetProperty("tools", out _) ? 1 : 0;
            attacks += Encoding.UTF8.GetString(body).Contains("previous instructions", StringComparison.Ordinal) ? 1 : 0;
            documents += Encoding.UTF8.GetString(body).Contains("Summarise the following document", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.InRange(tools, 50, 150);
        Assert.InRange(attacks, 3, 40);
        Assert.InRange(documents, 2, 25);
    }

    [Theory]
    [InlineData(HistoryMode.Conversations)]
    [InlineData(HistoryMode.Fresh)]
    internal void Next_SameSeed_SameBodies(HistoryMode history)
    {
        var a = new RealisticMixSource(3, 0.5, history: history);
        var b = new RealisticMixSource(3, 0.5, history: history);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(a.Next(), b.Next());
        }
    }

    [Fact]
    public void Next_Conversations_NewestUserTurnDistinctAndEarlierTurnsRepeatVerbatim()
    {
        var source = new RealisticMixSource(seed: 11, streamShare: 0);
        var chats = Enumerable.Range(0, 600).Select(_ => Chat.Parse(source.Next())).ToList();

        // The newest user turn is new every request.
        Assert.Equal(chats.Count, chats.Select(static c => c.NewestUser).Distinct(StringComparer.Ordinal).Count());

        // A request that goes on a conversation resends an earlier request's system prompt, user turns and answers
        // verbatim (its tool call and result aside), then one assistant answer, then its own new user turn.
        var continued = 0;
        for (var i = 0; i < chats.Count; i++)
        {
            var chat = chats[i];
            if (chat.Conversation.Count < 4)
            {
                continue;
            }

            continued++;
            var history = chat.Conversation.Take(chat.Conversation.Count - 2).ToList();
            Assert.Equal("assistant", chat.Conversation[^2].Role);
            Assert.Contains(chats.Take(i), earlier => earlier.Conversation.SequenceEqual(history));
        }

        // With 40 live conversations of 2–6 turns, most requests go on one.
        Assert.InRange(continued, chats.Count / 3, chats.Count);
        Assert.Contains(chats, static c => c.Conversation.Count(static m => m.Role == "user") >= 4);
    }

    [Fact]
    public void Next_Conversations_EachApplicationKeepsItsSystemPrompt()
    {
        var source = new RealisticMixSource(seed: 5, streamShare: 0);
        var chats = Enumerable.Range(0, 300).Select(_ => Chat.Parse(source.Next())).ToList();

        foreach (var chat in chats.Where(static c => c.Conversation.Count >= 4))
        {
            var firstTurn = chat.Conversation[1];
            var started = chats.First(c => c.Conversation.Count >= 2 && c.Conversation[1] == firstTurn);
            Assert.Equal(started.Conversation[0], chat.Conversation[0]);
        }

        Assert.Equal(ChatBodies.SystemPrompts.Length, chats.Select(static c => c.Conversation[0].Content).Distinct().Count());
    }

    [Fact]
    public void Next_Fresh_NoUserTurnRepeatsAcrossRequests()
    {
        var source = new RealisticMixSource(seed: 11, streamShare: 0, history: HistoryMode.Fresh);
        var users = Enumerable.Range(0, 300).SelectMany(_ => Chat.Parse(source.Next()).Conversation.Where(static m => m.Role == "user")).ToList();

        Assert.Equal(users.Count, users.Select(static m => m.Content).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("conversations", HistoryMode.Conversations)]
    [InlineData("Fresh", HistoryMode.Fresh)]
    internal void TryParse_KnownNames_Parse(string text, HistoryMode expected)
    {
        Assert.True(HistoryModes.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
        Assert.StartsWith(expected.ToString().ToLowerInvariant(), HistoryModes.Describe(mode), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Unknown_False() => Assert.False(HistoryModes.TryParse("replay", out _));

    private sealed record Message(string Role, string? Content);

    /// <summary>A body's system prompt, user turns and answers in order (tool calls and results apart) and its newest user turn.</summary>
    private sealed record Chat(IReadOnlyList<Message> Conversation, string NewestUser)
    {
        public static Chat Parse(byte[] body)
        {
            using var json = JsonDocument.Parse(body);
            var messages = new List<Message>();
            foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
            {
                var role = message.GetProperty("role").GetString()!;
                if (role == "tool" || message.TryGetProperty("tool_calls", out _))
                {
                    continue;
                }

                messages.Add(new Message(role, message.GetProperty("content").GetString()));
            }

            return new Chat(messages, messages.Last(static m => m.Role == "user").Content!);
        }
    }
}
