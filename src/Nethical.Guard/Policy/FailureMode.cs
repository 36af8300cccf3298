namespace Nethical.Guard.Policy;

/// <summary>What happens to a request that cannot be screened (malformed, wrong content type, unknown encoding).</summary>
public enum FailureMode
{
    /// <summary>Refuse it with a provider-shaped error.</summary>
    Closed,

    /// <summary>Let it through, tagged <c>unscreened</c>.</summary>
    Open,
}
