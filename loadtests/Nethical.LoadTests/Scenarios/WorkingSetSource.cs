namespace Nethical.LoadTests.Scenarios;

/// <summary>
/// A fixed working set: the first <c>size</c> bodies of another source, then each request one of them at random (seeded),
/// so prompts repeat and a verdict cache can answer.
/// </summary>
internal sealed class WorkingSetSource : IRequestSource
{
    private readonly byte[][] _bodies;
    private readonly Random _random;
    private readonly Lock _lock = new();

    public WorkingSetSource(IRequestSource inner, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _bodies = new byte[size][];
        for (var i = 0; i < size; i++)
        {
            _bodies[i] = inner.Next();
        }

        // Another stream than the inner source's, so the draws do not follow the bodies' own randomness.
        _random = new Random(unchecked((seed * 31) + 17));
    }

    public int Size => _bodies.Length;

    public byte[] Next()
    {
        lock (_lock)
        {
            return _bodies[_random.Next(_bodies.Length)];
        }
    }
}
