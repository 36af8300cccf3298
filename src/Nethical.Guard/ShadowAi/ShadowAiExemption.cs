namespace Nethical.Guard.ShadowAi;

/// <summary>
/// A per-client exemption: a client whose address is in <see cref="Clients"/>, or whose identity is in
/// <see cref="Identities"/>, may use <see cref="Providers"/>.
/// </summary>
public sealed class ShadowAiExemption
{
    /// <summary>Address ranges in CIDR notation (<c>10.1.0.0/16</c>, <c>::1/128</c>); a bare address is a /32 or /128.</summary>
    public IList<string> Clients { get; set; } = [];

    /// <summary>Client identities (case-insensitive), as sent in <see cref="ShadowAiOptions.IdentityHeader"/>.</summary>
    public IList<string> Identities { get; set; } = [];

    /// <summary>Provider names (case-insensitive) these clients may use; <c>*</c> is every provider.</summary>
    public IList<string> Providers { get; set; } = [];
}
