using System.Collections.Concurrent;
using System.Net;
using Nethical.Gateway.Egress;

namespace Nethical.Gateway.Tests.Egress;

/// <summary>Sends every host to 127.0.0.1: to the port mapped for it, or the default port. Never asks DNS.</summary>
public sealed class TestEgressResolver : IEgressResolver
{
    public ConcurrentDictionary<string, int> Ports { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int DefaultPort { get; set; }

    public ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        var target = Ports.TryGetValue(host, out var mapped) ? mapped : DefaultPort;
        return ValueTask.FromResult<IReadOnlyList<IPEndPoint>>([new IPEndPoint(IPAddress.Loopback, target)]);
    }
}
