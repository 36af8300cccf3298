namespace Nethical.Guard.ShadowAi;

/// <summary>The AI endpoint catalog: known providers, their hosts and their API signatures.</summary>
public sealed class AiCatalogOptions
{
    /// <summary>The providers.</summary>
    public IList<AiProviderOptions> Providers { get; set; } = [];
}
