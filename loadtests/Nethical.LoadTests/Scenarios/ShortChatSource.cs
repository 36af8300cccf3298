namespace Nethical.LoadTests.Scenarios;

/// <summary>A system prompt and one short user turn (~200–400 bytes), distinct per request (a counter and random words).</summary>
internal sealed class ShortChatSource(int seed, double streamShare) : IRequestSource
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();
    private long _sequence;

    public byte[] Next()
    {
        lock (_lock)
        {
            var sequence = ++_sequence;
            var user = ChatBodies.Tag(sequence) + " " + ChatBodies.Words(_random, 80 + _random.Next(150));
            ChatBodies.Message[] messages =
            [
                new("system", ChatBodies.SystemPrompts[0]),
                new("user", user),
            ];
            return ChatBodies.Write(messages, _random.NextDouble() < streamShare, withTools: false);
        }
    }
}
