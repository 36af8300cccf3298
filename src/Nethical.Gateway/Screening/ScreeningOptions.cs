using System.ComponentModel.DataAnnotations;
using Nethical.Gateway.Http;
using Nethical.Guard.Policy;

namespace Nethical.Gateway.Screening;

/// <summary>
/// Options for screening proxied requests, bound from the <c>Screening</c> section (the engine reads its own from the same
/// section: <see cref="Guard.GuardOptions"/>, <see cref="Guard.Tier2.Tier2Options"/>).
/// </summary>
public sealed class ScreeningOptions
{
    public const string SectionName = "Screening";

    /// <summary>The policy used by routes that name none.</summary>
    public const string DefaultPolicyName = RouteSettings.DefaultPolicyName;

    /// <summary>Largest request body read for screening, in bytes, as sent (default 4 MiB). Larger bodies get 413.</summary>
    [Range(1, 1L << 30)]
    public long MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest body after <c>Content-Encoding</c> is decoded, in bytes (default 16 MiB). A zip bomb gets 413.</summary>
    [Range(1, 1L << 31)]
    public long MaxDecodedBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long the client may take to send the whole body (default 30 s); slower gets 408.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BodyReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether clients see the ids of the rules that matched (in the block message and <c>x-nethical-reasons</c>).
    /// The upstream always gets them. Turn off to give probing attackers less to iterate on.
    /// </summary>
    public bool ExposeReasonsToClients { get; set; } = true;

    /// <summary>The body limits above, for <see cref="CapturedBody.CaptureAsync"/>.</summary>
    internal BodyLimits BodyLimits => new(MaxBodyBytes, MaxDecodedBodyBytes, BodyReadTimeout);

    /// <summary>Named policies; routes pick one with the <c>Nethical.Policy</c> metadata key.</summary>
    public Dictionary<string, ScreeningPolicy> Policies { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal ScreeningPolicy GetPolicy(string name)
        => Policies.TryGetValue(name, out var policy) || Policies.TryGetValue(DefaultPolicyName, out policy)
            ? policy
            : FallbackPolicy;

    /// <summary>Enforcing and fail-closed: what a route gets when its configuration names nothing usable.</summary>
    internal static readonly ScreeningPolicy FallbackPolicy = new();
}
