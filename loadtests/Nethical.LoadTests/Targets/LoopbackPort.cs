using System.Net;
using System.Net.Sockets;

namespace Nethical.LoadTests.Targets;

/// <summary>A free loopback port for a child process, found by binding port 0.</summary>
internal static class LoopbackPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
