using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Nethical.Gateway.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Nethical.Gateway.Tests.Infrastructure;
using Nethical.Guard.ShadowAi;

namespace Nethical.Gateway.Tests.Egress;

public sealed class EgressConnectionHandlerTests(EgressGatewayFixture fixture) : IClassFixture<EgressGatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // ---- CONNECT ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Connect_SanctionedHost_TunnelsToTheTarget()
    {
        fixture.Detector.Reset();
        using var client = fixture.CreateProxiedClient();

        var answer = await client.GetStringAsync($"https://{FakeShadowAiDetector.OpenAiHost}/v1/models", Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(TlsTestServer.Answer, answer);
        var seen = Assert.Single(fixture.Detector.Seen, r => r.Host == FakeShadowAiDetector.OpenAiHost);
        Assert.Equal(443, seen.Port);
        Assert.Null(seen.Scheme);
        Assert.Null(seen.Path);
        Assert.Equal(IPAddress.Loopback, seen.ClientAddress);
    }

    [Fact]
    public async Task Connect_UnsanctionedHost_Returns403()
    {
        fixture.Detector.Reset();
        using var client = fixture.CreateProxiedClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.GetStringAsync($"https://{FakeShadowAiDetector.AnthropicHost}/v1/messages", Cancel).WaitAsync(s_timeout, Cancel));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_UnsanctionedHostByHand_AnswersReasonAndCloses()
    {
        fixture.Detector.Reset();
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket,
            "CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\nX-Nethical-Client: alice\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("shadow AI: anthropic is not sanctioned", response, StringComparison.Ordinal);
        Assert.Equal("alice", Assert.Single(fixture.Detector.Seen).ClientIdentity);

        // The decision reaches the audit log: route, client and provider, nothing of the traffic.
        await Eventually.UntilAsync(() => fixture.Logs.GetSnapshot().Any(static r =>
            r.Category == "Nethical.Audit" && r.Message.Contains("\"route\":\"egress/connect\"", StringComparison.Ordinal)
            && r.Message.Contains("\"kind\":\"shadow_ai\"", StringComparison.Ordinal)
            && r.Message.Contains("\"target\":\"api.anthropic.com:443\"", StringComparison.Ordinal)
            && r.Message.Contains("\"client\":\"alice\"", StringComparison.Ordinal) && r.Message.Contains("\"provider\":\"anthropic\"", StringComparison.Ordinal)), "the decision to reach the audit log", s_timeout);
    }

    [Fact]
    public async Task Connect_UnsanctionedHostUnderMonitor_TunnelsAndFlags()
    {
        fixture.Detector.Reset();
        fixture.Detector.UnsanctionedAction = ShadowAiAction.Flag;
        using var client = fixture.CreateProxiedClient();

        var answer = await client.GetStringAsync($"https://{FakeShadowAiDetector.AnthropicHost}/v1/messages", Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(TlsTestServer.Answer, answer);
        Assert.Contains(fixture.Logs.GetSnapshot(), static r => r.Id.Name == "EgressFlagged" && r.Message.Contains(FakeShadowAiDetector.AnthropicHost, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_SniNamesUnsanctionedHost_ClosesWithoutForwarding()
    {
        fixture.Detector.Reset();
        using var socket = await ConnectAsync();
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n"), Cancel);
        var established = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 200", established, StringComparison.Ordinal);

        using var tls = new SslStream(stream, leaveInnerStreamOpen: true, fixture.IsTestServerCertificate);
        await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = FakeShadowAiDetector.AnthropicHost }, Cancel).WaitAsync(s_timeout, Cancel));

        Assert.Contains(fixture.Detector.Seen, r => r.Host == FakeShadowAiDetector.AnthropicHost);
        Assert.Contains(fixture.Logs.GetSnapshot(), r => r.Id.Name == "EgressDomainFronting");
    }

    [Fact]
    public async Task Connect_SniMatchesConnectHost_HandshakeSucceeds()
    {
        fixture.Detector.Reset();
        using var socket = await ConnectAsync();
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n"), Cancel);
        Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(stream), StringComparison.Ordinal);

        using var tls = new SslStream(stream, leaveInnerStreamOpen: true, fixture.IsTestServerCertificate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = FakeShadowAiDetector.OpenAiHost }, Cancel).WaitAsync(s_timeout, Cancel);

        Assert.True(tls.IsAuthenticated);
    }

    [Fact]
    public async Task Connect_Tunnel_RecordsDecisionAndBytes()
    {
        fixture.Detector.Reset();
        var meterFactory = fixture.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(meterFactory, GatewayDiagnostics.MeterName, "nethical.egress.requests");
        using var bytes = new MetricCollector<long>(meterFactory, GatewayDiagnostics.MeterName, "nethical.egress.tunnel.bytes");
        using var active = new MetricCollector<long>(meterFactory, GatewayDiagnostics.MeterName, "nethical.egress.tunnels.active");

        using (var client = fixture.CreateProxiedClient())
        {
            await client.GetStringAsync($"https://{FakeShadowAiDetector.OpenAiHost}/", Cancel).WaitAsync(s_timeout, Cancel);
        }

        // The tunnel closes once the client's connection does.
        await Eventually.UntilAsync(() => active.GetMeasurementSnapshot().Sum(static m => m.Value) == 0 && active.GetMeasurementSnapshot().Count >= 2, "the tunnel to be counted open and then closed", s_timeout);
        var decision = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal("connect", decision.Tags["kind"]);
        Assert.Equal("openai", decision.Tags["provider"]);
        Assert.Equal(true, decision.Tags["sanctioned"]);
        Assert.Equal("allow", decision.Tags["action"]);
        Assert.Contains(bytes.GetMeasurementSnapshot(), m => Equals(m.Tags["direction"], "upstream") && m.Value > 0);
        Assert.Contains(bytes.GetMeasurementSnapshot(), m => Equals(m.Tags["direction"], "downstream") && m.Value > 0);
    }

    // ---- curl -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Curl_SanctionedHost_GetsTheAnswer()
    {
        Assert.SkipUnless(File.Exists(CurlPath), "curl is not installed at /usr/bin/curl.");
        fixture.Detector.Reset();

        var (exitCode, output, _) = await RunCurlAsync($"https://{FakeShadowAiDetector.OpenAiHost}/v1/models");

        Assert.Equal(0, exitCode);
        Assert.Equal(TlsTestServer.Answer, output);
    }

    [Fact]
    public async Task Curl_UnsanctionedHost_TunnelRefusedWith403()
    {
        Assert.SkipUnless(File.Exists(CurlPath), "curl is not installed at /usr/bin/curl.");
        fixture.Detector.Reset();

        var (exitCode, _, error) = await RunCurlAsync($"https://{FakeShadowAiDetector.AnthropicHost}/v1/messages");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("403", error, StringComparison.Ordinal);
    }

    // ---- absolute-form http:// --------------------------------------------------------------------------------------

    [Fact]
    public async Task Http_SelfHostedAiBlocked_Returns403AndUpstreamSeesNothing()
    {
        fixture.Detector.Reset();
        var marker = UpstreamExtensions.NewMarker();
        using var client = fixture.CreateProxiedClient();

        using var response = await client.PostAsync("http://llm.internal:11434/v1/chat/completions", ChatBody(marker), Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("self-hosted is not sanctioned", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Null(fixture.Upstream.WithMarker(marker));
        var seen = Assert.Single(fixture.Detector.Seen);
        Assert.Equal("llm.internal", seen.Host);
        Assert.Equal(11434, seen.Port);
        Assert.Equal("http", seen.Scheme);
        Assert.Equal("/v1/chat/completions", seen.Path);
        Assert.Contains(marker, Encoding.UTF8.GetString(seen.Body.Span), StringComparison.Ordinal);
        Assert.StartsWith("application/json", seen.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_SelfHostedAiAllowed_ForwardedToUpstream()
    {
        fixture.Detector.Reset();
        fixture.Detector.SelfHostedSanctioned = true;
        var marker = UpstreamExtensions.NewMarker();
        using var client = fixture.CreateProxiedClient();

        using var response = await client.PostAsync("http://llm.internal:11434/v1/chat/completions", ChatBody(marker), Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeLlmUpstream.ChatCompletionJson, await response.Content.ReadAsStringAsync(Cancel));
        var received = fixture.Upstream.WithMarker(marker);
        Assert.NotNull(received);
        Assert.Equal("/v1/chat/completions", received.Path);
        var seen = Assert.Single(fixture.Detector.Seen);
        Assert.Equal("/v1/chat/completions", seen.Path);
        Assert.Contains(marker, Encoding.UTF8.GetString(seen.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_NotAi_PassesByteForByte()
    {
        fixture.Detector.Reset();
        var marker = UpstreamExtensions.NewMarker();
        var body = new byte[5000];
        Random.Shared.NextBytes(body);
        Encoding.ASCII.GetBytes(marker).CopyTo(body, 100);
        using var client = fixture.CreateProxiedClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://files.example.test:8081/upload/a%20b?x=1&y=%2F")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-Custom", "value with  spaces, and commas");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-real-key");
        request.Headers.Add("X-Nethical-Client", "bob");

        using var response = await client.SendAsync(request, Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync(Cancel));
        var received = fixture.Upstream.WithMarker(marker);
        Assert.NotNull(received);
        Assert.Equal("PUT", received.Method);
        Assert.Equal(body, received.Body);
        Assert.Equal("/upload/a%20b?x=1&y=%2F", received.Path);
        Assert.Equal("value with  spaces, and commas", received.Header("X-Custom"));
        Assert.Equal("Bearer not-a-real-key", received.Header("Authorization"));
        Assert.Equal("application/octet-stream", received.Header("Content-Type"));
        Assert.Equal("5000", received.Header("Content-Length"));
        Assert.Equal("files.example.test:8081", received.Header("Host"));
        Assert.Null(received.Header("X-Nethical-Client"));
        Assert.Null(received.Header("Proxy-Connection"));
        Assert.Equal("bob", Assert.Single(fixture.Detector.Seen).ClientIdentity);
    }

    [Fact]
    public async Task Http_ChunkedBodyLargerThanInspectionLimit_PassesUninspected()
    {
        fixture.Detector.Reset();
        var marker = UpstreamExtensions.NewMarker();
        var body = new byte[GatewayFixture.MaxInspectedBodyBytes * 3];
        Random.Shared.NextBytes(body);
        Encoding.ASCII.GetBytes(marker).CopyTo(body, 10);
        using var client = fixture.CreateProxiedClient();

        // No length: HttpClient sends it chunked.
        using var content = new StreamContent(new MemoryStream(body));
        using var response = await client.PostAsync("http://blob.example.test/put", content, Cancel).WaitAsync(s_timeout, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, fixture.Upstream.WithMarker(marker)?.Body);
        Assert.True(Assert.Single(fixture.Detector.Seen).Body.IsEmpty);
    }

    [Fact]
    public async Task Http_ChunkedBodyByHand_InspectedAndForwardedWithItsLength()
    {
        fixture.Detector.Reset();
        fixture.Detector.SelfHostedSanctioned = true;
        var marker = UpstreamExtensions.NewMarker();
        var json = $$"""{"model":"m","messages":[{"role":"user","content":"{{marker}}"}]}""";
        var split = json.Length / 2;
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket,
            "POST http://llm.internal:8000/v1/chat/completions HTTP/1.1\r\nHost: llm.internal:8000\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + $"{split:x};ext=1\r\n{json[..split]}\r\n{json.Length - split:x}\r\n{json[split..]}\r\n0\r\nX-Trailer: t\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", response, StringComparison.Ordinal);
        // The upstream gave no length, so the answer comes back chunked.
        Assert.Contains("Transfer-Encoding: chunked\r\n", response, StringComparison.Ordinal);
        Assert.Contains("chatcmpl-1", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n0\r\n\r\n", response, StringComparison.Ordinal);
        Assert.Equal(json, Encoding.UTF8.GetString(Assert.Single(fixture.Detector.Seen).Body.Span));
        var received = fixture.Upstream.WithMarker(marker);
        Assert.NotNull(received);
        Assert.Equal(json, FakeLlmUpstream.Utf8(received.Body));
        Assert.Equal(json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("Content-Length"));
    }

    [Fact]
    public async Task Http_HostHeaderDiffersFromTarget_UpstreamGetsTheTargetsHost()
    {
        fixture.Detector.Reset();
        var marker = UpstreamExtensions.NewMarker();
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket,
            $"POST http://files.internal:9000/upload HTTP/1.1\r\nHost: {FakeShadowAiDetector.AnthropicHost}\r\nContent-Type: text/plain\r\n"
            + $"Content-Length: {marker.Length}\r\nConnection: close\r\n\r\n{marker}");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Equal("files.internal", Assert.Single(fixture.Detector.Seen).Host);
        // What was judged is what goes out: the upstream sees the target's host, never the client's Host header.
        Assert.Equal("files.internal:9000", fixture.Upstream.WithMarker(marker)!.Header("Host"));
    }

    [Fact]
    public async Task Http_RepeatedContentLength_ForwardedAsOneLengthWithoutChunking()
    {
        fixture.Detector.Reset();
        var marker = UpstreamExtensions.NewMarker();
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket,
            $"POST http://files.internal:9000/upload HTTP/1.1\r\nHost: files.internal:9000\r\nContent-Type: text/plain\r\n"
            + $"Content-Length: {marker.Length}, {marker.Length}\r\nConnection: close\r\n\r\n{marker}");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        var received = fixture.Upstream.WithMarker(marker)!;
        Assert.Equal(marker.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Header("Content-Length"));
        Assert.Null(received.Header("Transfer-Encoding"));
    }

    [Fact]
    public async Task Connector_LocalDestinationNotAllowed_Refused()
    {
        var resolver = new TestEgressResolver { DefaultPort = fixture.Upstream.BaseAddress.Port };

        var error = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(
            () => Nethical.Gateway.Egress.EgressConnector.ConnectAsync(resolver, "metadata.internal", 80, allowLocal: false, Cancel));

        Assert.Equal(System.Net.Sockets.SocketError.AccessDenied, error.SocketErrorCode);
        Assert.True(Nethical.Gateway.Egress.EgressConnector.IsLocal(System.Net.IPAddress.Parse("169.254.169.254")));
        Assert.True(Nethical.Gateway.Egress.EgressConnector.IsLocal(System.Net.IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(Nethical.Gateway.Egress.EgressConnector.IsLocal(System.Net.IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task Http_SeveralRequestsOnOneConnection_AllAnswered()
    {
        fixture.Detector.Reset();
        using var client = fixture.CreateProxiedClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("""{"ok":true}""", await client.GetStringAsync($"http://keepalive.example.test/{i}", Cancel).WaitAsync(s_timeout, Cancel));
        }

        Assert.Equal(3, fixture.Detector.Seen.Count);
    }

    // ---- refusals ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /origin-form HTTP/1.1\r\nHost: example.test\r\n\r\n")]
    [InlineData("GET http://example.test/ HTTP/2.0\r\nHost: example.test\r\n\r\n")]
    [InlineData("GET http://example.test/ HTTP/1.1\r\nBad Header: x\r\n\r\n")]
    [InlineData("GET http://example.test/ HTTP/1.1\r\n folded: x\r\n\r\n")]
    [InlineData("CONNECT example.test HTTP/1.1\r\n\r\n")]
    [InlineData("POST http://example.test/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")]
    public async Task Malformed_Returns400AndCloses(string request)
    {
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket, request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowHeaders_408AndClosedWithinTheTimeout()
    {
        using var socket = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var response = await SendAndReadToEndAsync(socket, "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\n");

        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"closed after {clock.Elapsed}");
    }

    [Fact]
    public async Task OversizedHeaders_Returns431()
    {
        using var socket = await ConnectAsync();

        var response = await SendAndReadToEndAsync(socket,
            "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\nX-Big: " + new string('a', 40 * 1024) + "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431", response, StringComparison.Ordinal);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private const string CurlPath = Curl.Path;

    private Task<(int ExitCode, string Output, string Error)> RunCurlAsync(string url)
        => Curl.RunAsync(fixture.ProxyUri, url, Cancel);

    private static StringContent ChatBody(string marker) => new(
        $$"""{"model":"llama3","messages":[{"role":"user","content":"say hi {{marker}}"}]}""", Encoding.UTF8, "application/json");

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(fixture.EgressEndPoint, Cancel).AsTask().WaitAsync(s_timeout, Cancel);
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> and reads until the proxy closes the connection.</summary>
    private static async Task<string> SendAndReadToEndAsync(Socket socket, string request)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, Cancel).AsTask().WaitAsync(s_timeout, Cancel);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, Cancel).AsTask().WaitAsync(s_timeout, Cancel);
            if (read == 0)
            {
                return Encoding.ASCII.GetString(received.ToArray());
            }

            received.Write(buffer, 0, read);
        }
    }

    /// <summary>Reads a response head byte by byte (nothing after it), so the stream is left at the tunnel's first byte.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(one, Cancel).AsTask().WaitAsync(s_timeout, Cancel);
            if (read == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
