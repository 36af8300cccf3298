using System.Buffers;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Detectors.PromptInjection;

/// <summary>
/// A family of rules behind a keyword prefilter: the rules run only on text that contains one of <see cref="Triggers"/>,
/// the union of the rules' anchors. Every rule has anchors, and cannot match text that contains none of them.
/// </summary>
internal sealed class RulePack
{
    public RulePack(string name, PromptInjectionRule[] rules)
    {
        var triggers = new List<string>();
        foreach (PromptInjectionRule rule in rules)
        {
            if (rule.Anchors is not { Length: > 0 })
            {
                throw new ArgumentException($"Rule {rule.Id} has no anchors.", nameof(rules));
            }

            foreach (string anchor in rule.Anchors)
            {
                if (!triggers.Contains(anchor))
                {
                    triggers.Add(anchor);
                }
            }
        }

        Name = name;
        TriggerWords = triggers;
        Triggers = SearchValues.Create(triggers.ToArray(), StringComparison.Ordinal);
        Rules = rules;
        foreach (PromptInjectionRule rule in rules)
        {
            Sources |= rule.Sources;
        }
    }

    public string Name { get; }

    public IReadOnlyList<string> TriggerWords { get; }

    public SearchValues<string> Triggers { get; }

    public PromptInjectionRule[] Rules { get; }

    /// <summary>The sources at least one rule of the pack counts in.</summary>
    public SourceMask Sources { get; }

    public bool AppliesTo(SegmentSource source) => (Sources & (SourceMask)(1 << (int)source)) != 0;

    public bool IsTriggeredBy(ReadOnlySpan<char> normalizedText) => normalizedText.ContainsAny(Triggers);
}
