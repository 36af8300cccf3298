namespace Nethical.Gateway.Egress;

/// <summary>How a proxied request's body is delimited: chunked, or a validated <c>Content-Length</c> (0: no body).</summary>
internal readonly record struct BodyFraming(bool Chunked, long ContentLength)
{
    public bool HasBody => Chunked || ContentLength > 0;
}
