using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nethical.Guard.Policy;
using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Tests.ShadowAi;

/// <summary>The shipped catalog (<c>appsettings/ai-catalog.json</c>, copied next to the tests) and request builders.</summary>
internal static class ShadowAiTestData
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Lazy<AiCatalogOptions> Shipped = new(LoadShippedCatalog);

    public static AiCatalogOptions ShippedCatalog => Shipped.Value;

    /// <summary>Reads the file the way the gateway binds it: the <c>ShadowAi</c> section's <c>Catalog</c>.</summary>
    private static AiCatalogOptions LoadShippedCatalog()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ShadowAi", "ai-catalog.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var section = document.RootElement.GetProperty("ShadowAi");
        return section.Deserialize<ShadowAiOptions>(JsonOptions)!.Catalog;
    }

    public static ShadowAiOptions Options(PolicyMode mode = PolicyMode.Monitor, AiCatalogOptions? catalog = null, params string[] sanctioned)
        => new() { Mode = mode, Catalog = catalog ?? ShippedCatalog, Sanctioned = [.. sanctioned] };

    public static ShadowAiDetector Detector(PolicyMode mode = PolicyMode.Monitor, params string[] sanctioned)
        => new(Options(mode, null, sanctioned));

    /// <summary>A CONNECT tunnel: host and port only.</summary>
    public static OutboundRequest Connect(string host, int port = 443, IPAddress? client = null, string? identity = null)
        => new() { Host = host, Port = port, ClientAddress = client, ClientIdentity = identity };

    /// <summary>An absolute-form request; <paramref name="url"/> is <c>https://host[:port]/path?query</c>.</summary>
    public static OutboundRequest Http(string url, string? body = null, Dictionary<string, string>? headers = null, IPAddress? client = null, string? identity = null)
    {
        var uri = new Uri(url);
        return new OutboundRequest
        {
            Host = uri.IdnHost.TrimEnd('.').ToLowerInvariant(),
            Port = uri.Port,
            Scheme = uri.Scheme,
            Path = uri.PathAndQuery,
            Headers = headers is null ? null : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
            Body = body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body),
            ContentType = body is null ? null : "application/json",
            ClientAddress = client,
            ClientIdentity = identity,
        };
    }

    public const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";

    /// <summary>Shaped like real keys, but made up.</summary>
    public const string FakeOpenAiKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

    public const string FakeAnthropicKey = "sk-ant-api03-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210";
}
