namespace Nethical.Guard.ShadowAi;

/// <summary>
/// The independent signals the detector sums, one weight slot each, in the order their codes
/// (<see cref="ShadowAiReasons"/>) appear in a verdict.
/// </summary>
internal enum ShadowAiSignal
{
    Host,
    Path,
    Port,
    OpenAiKey,
    AnthropicKey,
    ProviderKey,
    AnthropicVersion,
    ApiKey,
    GoogApiKey,
    ProviderHeader,
    Body,
    ModelDownload,
}
