using System.Buffers.Binary;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Screening;

/// <summary>
/// The distilled student: a linear model over hashed word uni/bigrams and character 3–5-grams of normalised text,
/// taught the encoder's scores. Scores a 1 KB prompt in microseconds, so the gate can run it on every segment and send
/// tier 2 only what it cannot decide. Weights are stored as half floats (512 KB at 2^18 buckets).
/// </summary>
internal sealed class HashedNgramStudent
{
    private const uint Magic = 0x3153484E; // "NHS1"
    /// <summary>The longest text the student reads; the gate sends longer text to tier 2 without asking it.</summary>
    public const int MaxChars = 16_384;

    private const int Chunk = 2_048;
    private const int ChunkStride = 1_536;
    private readonly float[] _weights;
    private readonly int _mask;

    public HashedNgramStudent(float[] weights, float bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length < 2 || (weights.Length & (weights.Length - 1)) != 0)
        {
            throw new ArgumentException("The bucket count must be a power of two.", nameof(weights));
        }
        _weights = weights;
        _mask = weights.Length - 1;
        Bias = bias;
    }

    public int Buckets => _weights.Length;

    public float Bias { get; }

    internal float[] Weights => _weights;

    /// <summary>The attack probability of a normalised text.</summary>
    public float Probability(ReadOnlySpan<char> text) => ClassifierHead.Sigmoid(Logit(text));

    /// <summary>
    /// The highest probability over overlapping 2,048-character chunks: features are length-normalised, so a short
    /// injection inside long benign text would otherwise be diluted below the pass-below point.
    /// </summary>
    public float MaxChunkProbability(ReadOnlySpan<char> text)
    {
        if (text.Length <= Chunk)
        {
            return Probability(text);
        }
        var best = 0f;
        for (var start = 0; ; start += ChunkStride)
        {
            var end = Math.Min(text.Length, start + Chunk);
            best = Math.Max(best, Probability(text[start..end]));
            if (end == text.Length)
            {
                return best;
            }
        }
    }

    public float Logit(ReadOnlySpan<char> text)
    {
        var features = Features(text, static (bucket, state) => state.Sum += state.Weights[bucket], new Accumulator(_weights));
        return features.Count == 0 ? Bias : Bias + (features.Sum / MathF.Sqrt(features.Count));
    }

    /// <summary>Visits every hashed feature of a text; the scale of each is <c>1 / sqrt(count)</c> (L2-normalised presence).</summary>
    internal TState Features<TState>(ReadOnlySpan<char> text, Action<int, TState> visit, TState state)
        where TState : class, ICounted
    {
        // Long texts are screened by their head; the student only decides whether tier 2 is needed, and tool and
        // document segments and long prompts go to tier 2 regardless of it.
        if (text.Length > MaxChars)
        {
            text = text[..MaxChars];
        }

        // Character n-grams over " text " so word starts and ends are features.
        var n = text.Length + 2;
        char[]? rented = null;
        Span<char> padded = n <= 1024 ? stackalloc char[n] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(n));
        padded[0] = ' ';
        text.CopyTo(padded[1..]);
        padded[n - 1] = ' ';
        var chars = padded[..n];
        for (var size = 3; size <= 5; size++)
        {
            for (var i = 0; i + size <= chars.Length; i++)
            {
                visit((int)(Hash(chars.Slice(i, size), (uint)size) & (uint)_mask), state);
                state.Count++;
            }
        }

        // Word unigrams and bigrams.
        var previous = 0u;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                var word = Hash(text[start..i], 101);
                visit((int)(word & (uint)_mask), state);
                state.Count++;
                if (previous != 0)
                {
                    visit((int)(((previous * 16777619u) ^ word ^ 0x9E3779B9u) & (uint)_mask), state);
                    state.Count++;
                }
                previous = word;
                start = -1;
            }
        }

        if (rented is not null)
        {
            // The buffer held prompt text: clear it before another renter sees it.
            System.Buffers.ArrayPool<char>.Shared.Return(rented, clearArray: true);
        }
        return state;
    }

    private static uint Hash(ReadOnlySpan<char> span, uint seed)
    {
        var hash = 2166136261u ^ seed;
        foreach (var c in span)
        {
            hash = (hash ^ c) * 16777619u;
        }
        // Finalise so neighbouring n-grams spread across buckets.
        hash ^= hash >> 15;
        hash *= 0x2C1B3C6Du;
        hash ^= hash >> 12;
        return hash;
    }

    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], _weights.Length);
        BinaryPrimitives.WriteSingleLittleEndian(header[8..], Bias);
        stream.Write(header);
        var buffer = new byte[_weights.Length * 2];
        for (var i = 0; i < _weights.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)_weights[i]);
        }
        stream.Write(buffer);
    }

    public static HashedNgramStudent Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new InvalidDataException("Not a student model file.");
        }
        var buckets = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (buckets is < 2 or > (1 << 24) || (buckets & (buckets - 1)) != 0)
        {
            throw new InvalidDataException("The student model's bucket count is invalid.");
        }
        var bias = BinaryPrimitives.ReadSingleLittleEndian(header[8..]);
        var buffer = new byte[buckets * 2];
        stream.ReadExactly(buffer);
        var weights = new float[buckets];
        for (var i = 0; i < buckets; i++)
        {
            weights[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(buffer.AsSpan(i * 2));
        }
        return new HashedNgramStudent(weights, bias);
    }

    internal interface ICounted
    {
        int Count { get; set; }
    }

    private sealed class Accumulator(float[] weights) : ICounted
    {
        public float[] Weights { get; } = weights;

        public float Sum { get; set; }

        public int Count { get; set; }
    }
}
