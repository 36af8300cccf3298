using System.Buffers.Binary;

namespace Nethical.Guard.Tier2;

/// <summary>
/// The SHA-256 of a model version and a normalised text: what <see cref="VerdictCache"/> files a score under. Made by
/// <see cref="VerdictCache.CreateKey"/>; holds no text.
/// </summary>
internal readonly struct CacheKey : IEquatable<CacheKey>
{
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    internal CacheKey(ReadOnlySpan<byte> sha256)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(sha256);
        _b = BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]);
    }

    public static bool operator ==(CacheKey left, CacheKey right) => left.Equals(right);

    public static bool operator !=(CacheKey left, CacheKey right) => !left.Equals(right);

    public bool Equals(CacheKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

    // The bits of a SHA-256 are already uniform: any 32 of them make a good hash code.
    public override int GetHashCode() => (int)_a;

    /// <summary>The hash as 64 lower-case hex digits.</summary>
    public override string ToString() => $"{_a:x16}{_b:x16}{_c:x16}{_d:x16}";
}
