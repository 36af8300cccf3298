using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nethical.Gateway.Tests.Infrastructure;

namespace Nethical.Gateway.Tests.Egress;

/// <summary>An HTTPS server on a loopback port with a self-signed certificate made for the test; answers <see cref="Answer"/>.</summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    public const string Answer = "hello over tls";

    private readonly WebApplication _app;

    public TlsTestServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=egress-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(FakeShadowAiDetector.OpenAiHost);
        names.AddDnsName(FakeShadowAiDetector.AnthropicHost);
        request.CertificateExtensions.Add(names.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        Certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate)));
        _app = builder.Build();
        _app.Run(static context => context.Response.WriteAsync(Answer));
    }

    public X509Certificate2 Certificate { get; }

    public int Port { get; private set; }

    public async Task StartAsync()
    {
        await _app.StartAsync();
        Port = ServerAddress.Of(_app).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
