namespace Nethical.Gateway.Tests.Infrastructure;

public static class UpstreamExtensions
{
    /// <summary>The one request whose body contains <paramref name="marker"/>, or null when none reached the upstream.</summary>
    public static ReceivedRequest? WithMarker(this FakeLlmUpstream upstream, string marker)
    {
        ReceivedRequest? found = null;
        foreach (var request in upstream.Requests)
        {
            if (FakeLlmUpstream.Utf8(request.Body).Contains(marker, StringComparison.Ordinal))
            {
                Assert.Null(found);
                found = request;
            }
        }

        return found;
    }

    public static string NewMarker() => "m" + Guid.NewGuid().ToString("N")[..12];
}
