namespace Nethical.Gateway.Http;

/// <summary>How much of a request body is read, and for how long (<see cref="CapturedBody.CaptureAsync"/>).</summary>
/// <param name="MaxBytes">Largest body as sent; more is <see cref="CaptureFailure.TooLarge"/>.</param>
/// <param name="MaxDecodedBytes">Largest body once its <c>Content-Encoding</c> is removed; more is <see cref="CaptureFailure.DecodedTooLarge"/>.</param>
/// <param name="ReadTimeout">How long the whole body may take to arrive; slower is <see cref="CaptureFailure.Timeout"/>.</param>
internal readonly record struct BodyLimits(long MaxBytes, long MaxDecodedBytes, TimeSpan ReadTimeout);
