namespace Nethical.LoadTests.Scenarios;

/// <summary>How the realistic mix builds a chat's earlier turns (<c>--history</c>).</summary>
internal enum HistoryMode
{
    /// <summary>
    /// Live conversations per application: each request resends its conversation's history verbatim (earlier user
    /// turns and the assistant's answers) with one new distinct user turn, as chat clients do.
    /// </summary>
    Conversations,

    /// <summary>Every turn of every request generated fresh: nothing repeats across requests.</summary>
    Fresh,
}

/// <summary>Parsing and describing <see cref="HistoryMode"/>.</summary>
internal static class HistoryModes
{
    /// <summary><c>conversations</c> or <c>fresh</c> (case-insensitive); false otherwise.</summary>
    public static bool TryParse(string? text, out HistoryMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "conversations":
                mode = HistoryMode.Conversations;
                return true;
            case "fresh":
                mode = HistoryMode.Fresh;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    /// <summary>For the console and the report.</summary>
    public static string Describe(HistoryMode mode) => mode switch
    {
        HistoryMode.Fresh => "fresh (every turn of every request generated anew; nothing repeats)",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"conversations ({RealisticMixSource.ConversationsPerApplication} live per application, {ChatBodies.SystemPrompts.Length} applications with their own system prompt; each request resends the history verbatim with the assistant's last answer and one new distinct user turn; {RealisticMixSource.MinTurns}–{RealisticMixSource.MaxTurns} turns, then a new conversation)"),
    };
}
