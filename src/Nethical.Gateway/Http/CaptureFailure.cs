namespace Nethical.Gateway.Http;

/// <summary>Why a body could not be captured for screening.</summary>
internal enum CaptureFailure
{
    None,
    TooLarge,
    DecodedTooLarge,
    UnsupportedEncoding,
    CorruptEncoding,
    Timeout,
}
