using System.Collections.Concurrent;
using Nethical.Guard.Detectors.PromptInjection;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.Screening;

/// <summary>
/// What the screener learned about a segment it has seen before: its normalised text, the tier-1 rules it matched on
/// its own, and the student's score once computed. Applications repeat text on every request (a system prompt, a
/// chat's history, a shared document), so a repeated segment skips normalisation, the rules and the student.
/// </summary>
/// <remarks>
/// Only plain segments are remembered: ones that yielded no decoded or letter-spacing variant and whose rules finished
/// within the budget, so what is remembered is exactly what screening it again would find. Keyed by the extracted text
/// and its source (rules apply by source). Bounded by characters, in two generations: when the newer one holds half the
/// allowance it becomes the older one and the previous older one is dropped; a hit in the older one moves the entry to
/// the newer. Thread-safe.
/// </remarks>
internal sealed class SegmentMemo
{
    /// <summary>Shorter segments are cheaper to screen than to remember.</summary>
    public const int MinimumLength = 128;

    private readonly long _generationCharacters;
    private readonly Lock _rotation = new();
    private Generation _newer = new();
    private Generation _older = new();

    /// <param name="maxCharacters">The most characters remembered (segment text and its normalised copy), over both generations.</param>
    public SegmentMemo(long maxCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters);
        _generationCharacters = Math.Max(1, maxCharacters / 2);
    }

    /// <summary>Entries held now.</summary>
    public int Count => _newer.Entries.Count + _older.Entries.Count;

    /// <summary>
    /// Whether a segment may be remembered: long enough, and extracted as it was sent. A segment the extractor decoded
    /// itself (a base64 document: <see cref="PromptSegment.Encoding"/> set) carries the obfuscation signal, which a
    /// remembered match set would not replay.
    /// </summary>
    public static bool Remembers(PromptSegment segment) => segment.Encoding is null && segment.Text is { Length: >= MinimumLength };

    public bool TryGet(string text, SegmentSource source, out Entry entry)
    {
        var key = new Key(text, source);
        var newer = _newer;
        if (newer.Entries.TryGetValue(key, out entry!))
        {
            return true;
        }
        if (_older.Entries.TryGetValue(key, out entry!))
        {
            Add(text, source, entry);
            return true;
        }
        return false;
    }

    public void Add(string text, SegmentSource source, Entry entry)
    {
        var newer = _newer;
        // The key's text and the entry's normalised copy both stay in memory.
        if (newer.Entries.TryAdd(new Key(text, source), entry) && Interlocked.Add(ref newer.Characters, text.Length + entry.Normalized.Length) >= _generationCharacters)
        {
            lock (_rotation)
            {
                if (ReferenceEquals(newer, _newer))
                {
                    _older = newer;
                    _newer = new Generation();
                }
            }
        }
    }

    private readonly record struct Key(string Text, SegmentSource Source);

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<Key, Entry> Entries = new();
        public long Characters;
    }

    /// <summary>One remembered segment.</summary>
    internal sealed class Entry(string normalized, RuleMatches matches)
    {
        private float _student = float.NaN;

        public string Normalized { get; } = normalized;

        public RuleMatches Matches { get; } = matches;

        /// <summary>The student's score of the normalised text, computed once.</summary>
        public float StudentScore(HashedNgramStudent student)
        {
            var score = Volatile.Read(ref _student);
            if (float.IsNaN(score))
            {
                score = student.MaxChunkProbability(Normalized);
                Volatile.Write(ref _student, score);
            }
            return score;
        }
    }
}
