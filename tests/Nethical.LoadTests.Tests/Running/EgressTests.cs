using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;
using Nethical.LoadTests.Targets;

namespace Nethical.LoadTests.Tests.Running;

/// <summary>
/// The egress scenario's client modes (CONNECT tunnels, absolute-form requests) in-process, through the plain forward
/// proxy to the fake upstream, at a low rate: the report's fields, never its speed. Loopback only.
/// </summary>
public sealed class EgressTests
{
    private static readonly LoadSettings s_smoke = new()
    {
        Scenario = "egress",
        Rate = 20,
        Duration = TimeSpan.FromSeconds(1.5),
        Warmup = TimeSpan.FromMilliseconds(300),
        RequestTimeout = TimeSpan.FromSeconds(10),
        Path = "/v1/chat/completions",
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_BothModesThroughTheForwardProxy_CountsAddUpPerModeAndTheReportNamesThem()
    {
        await using var upstream = await FakeUpstream.StartAsync(TimeSpan.FromMilliseconds(2), Cancel);
        await using var proxy = PlainForwardProxy.Start();

        var connect = await LoadRunner.RunAsync(s_smoke, upstream.Address, Cancel, proxy: new ProxyRoute(proxy.Address, ProxyMode.Connect))
            .WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        var tunnels = proxy.Tunnels;
        var absoluteAfterConnect = proxy.AbsoluteFormConnections;
        var absolute = await LoadRunner.RunAsync(s_smoke, upstream.Address, Cancel, proxy: new ProxyRoute(proxy.Address, ProxyMode.AbsoluteForm))
            .WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        // Each mode went through the proxy the way it says: tunnels first, then absolute-form connections only.
        Assert.True(tunnels > 0);
        Assert.Equal(0, absoluteAfterConnect);
        Assert.True(proxy.AbsoluteFormConnections > 0);
        Assert.Equal(tunnels, proxy.Tunnels);
        Assert.Equal("connect", connect.Mode);
        Assert.Equal("absolute-form", absolute.Mode);
        foreach (var result in new[] { connect, absolute })
        {
            Assert.InRange(result.Scheduled, 20, 40);
            Assert.Equal(result.Scheduled, result.Sent + result.DroppedByGenerator);
            Assert.Equal(result.Sent, result.Completed + result.Errors + result.Unfinished);
            Assert.Equal(result.Completed, result.StatusCodes.Values.Sum());
            Assert.True(result.StatusCodes.TryGetValue("200", out var ok) && ok > 0);
            Assert.Equal(result.Completed, result.Latency.Count);
            var l = result.Latency;
            Assert.True(l.P50Ms > 0 && l.P50Ms <= l.P99Ms && l.P99Ms <= l.MaxMs);
        }

        RunResult[] results =
        [
            connect with { Target = "proxy", Round = 1 },
            connect with { Target = "gateway", Round = 1 },
            absolute with { Target = "proxy", Round = 1 },
            absolute with { Target = "gateway", Round = 1 },
        ];
        var report = new RunReport { Scenario = "egress", Results = results, Comparisons = Comparison.From(results, "proxy") };
        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));
        var modes = json.RootElement.GetProperty("results").EnumerateArray().Select(static r => r.GetProperty("mode").GetString()).ToList();
        Assert.Equal(["connect", "connect", "absolute-form", "absolute-form"], modes);
        var comparisons = json.RootElement.GetProperty("comparisons");
        Assert.Equal(2, comparisons.GetArrayLength());
        Assert.Equal("connect, round 1", comparisons[0].GetProperty("of").GetString());
        Assert.Equal("proxy", comparisons[0].GetProperty("baseline").GetString());
        Assert.Equal("absolute-form", comparisons[1].GetProperty("mode").GetString());
        Assert.True(comparisons[0].TryGetProperty("baselineThroughput", out _));
        var markdown = ReportWriter.ToMarkdown(report);
        Assert.Contains("| gateway connect | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| proxy absolute-form | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Gateway / plain forward proxy", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTunnel_ProxyRefuses_TunnelErrorWithItsStatus()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(Cancel);
            var buffer = new byte[1024];
            var head = "";
            while (!head.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, Cancel);
                head += Encoding.ASCII.GetString(buffer, 0, read);
            }

            await socket.SendAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, Cancel);
            return head;
        }, Cancel);

        var error = await Assert.ThrowsAsync<ProxyTunnelException>(async () =>
            await LoadClientHandler.OpenTunnelAsync(new IPEndPoint(IPAddress.Loopback, port), new DnsEndPoint("127.0.0.1", 9), Cancel));

        Assert.Equal(403, error.StatusCode);
        Assert.StartsWith("CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n", await serve, StringComparison.Ordinal);
        Assert.Equal("tunnel_403", LoadRunner.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "wrapped", error)));
    }

    [Theory]
    [InlineData("http://10.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8888/")]
    [InlineData("http://api.openai.com/v1/chat/completions", "http://127.0.0.1:8888/")]
    [InlineData("http://localhost:8080/v1/chat/completions", "http://127.0.0.1:8888/")]
    [InlineData("http://127.0.0.1:8080/v1/chat/completions", "http://192.168.1.10:8888/")]
    public void Create_ProxiedRunToAnythingButLoopbackLiterals_Refused(string target, string proxy)
    {
        foreach (var mode in new[] { ProxyMode.Connect, ProxyMode.AbsoluteForm })
        {
            Assert.Throws<ArgumentException>(() => LoadClientHandler.Create(s_smoke, new Uri(target), new ProxyRoute(new Uri(proxy), mode)));
        }
    }

    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("[::1]:8080", true)]
    [InlineData("10.0.0.1:8080", false)]
    [InlineData("localhost:8080", false)]
    [InlineData("api.openai.com:443", false)]
    [InlineData("127.0.0.1", false)]
    public void TryLoopback_OnlyLoopbackLiteralsWithAPort(string authority, bool expected) =>
        Assert.Equal(expected, PlainForwardProxy.TryLoopback(authority, out _));

    [Fact]
    public async Task PlainForwardProxy_NonLoopbackConnect_403WithoutConnecting()
    {
        await using var proxy = PlainForwardProxy.Start();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Address.Port, Cancel);
        await socket.SendAsync("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n"u8.ToArray(), SocketFlags.None, Cancel);
        var buffer = new byte[1024];
        var answer = new StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, Cancel)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 403", answer.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, proxy.Tunnels);
    }

    [Fact]
    public void EgressArguments_LoopbackListenerLoopbackAllowedSelfHostedSanctionedAfterTheConfiguredOnes()
    {
        var settings = ProxyRouting.SettingsPath();
        var count = ProxyRouting.SanctionedCount(settings);

        var arguments = Targets.Targets.EgressArguments(settings, 12345).ToList();

        Assert.Contains("--Egress:Enabled=true", arguments);
        Assert.Contains("--Egress:Url=http://127.0.0.1:12345", arguments);
        Assert.Contains("--Egress:AllowLocalDestinations=true", arguments);
        Assert.Contains($"--ShadowAi:Sanctioned:{count}=self-hosted", arguments);
        Assert.True(count > 0);
    }
}
