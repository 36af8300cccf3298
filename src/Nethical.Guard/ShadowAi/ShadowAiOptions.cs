using System.ComponentModel.DataAnnotations;
using System.Net;
using Nethical.Guard.Policy;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Options for shadow-AI detection, bound from the <c>ShadowAi</c> section. The endpoint catalog
/// (<c>ShadowAi:Catalog</c>) ships in <c>appsettings/ai-catalog.json</c>; read through <c>IOptionsMonitor</c>, a
/// change to any of it rebuilds the detector's look-up tables on the next request.
/// </summary>
public sealed class ShadowAiOptions : IValidatableObject
{
    public const string SectionName = "ShadowAi";

    /// <summary>The provider name given to AI traffic found by its shape on a host outside the catalog.</summary>
    public const string SelfHosted = "self-hosted";

    /// <summary>The default header that carries a client's identity.</summary>
    public const string DefaultIdentityHeader = "X-Nethical-Client";

    /// <summary>
    /// <see cref="PolicyMode.Enforce"/> blocks unsanctioned AI, <see cref="PolicyMode.Monitor"/> (the default) flags it,
    /// <see cref="PolicyMode.Off"/> allows everything (verdicts still say what is AI).
    /// </summary>
    public PolicyMode Mode { get; set; } = PolicyMode.Monitor;

    /// <summary>Provider names (case-insensitive) every client may use; <c>self-hosted</c> may be listed.</summary>
    public IList<string> Sanctioned { get; set; } = [];

    /// <summary>Per-client exemptions: the clients they match may use the providers they list.</summary>
    public IList<ShadowAiExemption> Exceptions { get; set; } = [];

    /// <summary>
    /// The request header whose value is the client's identity, used when the caller did not set
    /// <see cref="OutboundRequest.ClientIdentity"/> (default <c>X-Nethical-Client</c>).
    /// </summary>
    public string IdentityHeader { get; set; } = DefaultIdentityHeader;

    /// <summary>The AI endpoint catalog.</summary>
    public AiCatalogOptions Catalog { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<string>();
        ShadowAiOptionsValidation.Validate(this, errors);
        foreach (var error in errors)
        {
            yield return new ValidationResult(error);
        }
    }
}

/// <summary>Checks <see cref="ShadowAiOptions"/>; every problem becomes one message that says where and why.</summary>
internal static class ShadowAiOptionsValidation
{
    private static readonly System.Buffers.SearchValues<char> NotInHeaderNames = System.Buffers.SearchValues.Create(" :\t\r\n");

    public static void Validate(ShadowAiOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.IdentityHeader))
        {
            errors.Add("ShadowAi:IdentityHeader must not be empty.");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"ShadowAi:Mode '{options.Mode}' is not Enforce, Monitor or Off.");
        }

        for (var i = 0; i < options.Sanctioned.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Sanctioned[i]))
            {
                errors.Add($"ShadowAi:Sanctioned[{i}] is empty.");
            }
        }

        for (var i = 0; i < options.Exceptions.Count; i++)
        {
            var exemption = options.Exceptions[i];
            if (exemption is null)
            {
                errors.Add($"ShadowAi:Exceptions[{i}] is empty.");
                continue;
            }

            for (var j = 0; j < exemption.Clients.Count; j++)
            {
                if (!TryParseNetwork(exemption.Clients[j], out _))
                {
                    errors.Add($"ShadowAi:Exceptions[{i}]:Clients[{j}] '{exemption.Clients[j]}' is not an address or a CIDR range (10.1.0.0/16, ::1/128) with no bits set past the prefix.");
                }
            }

            if (exemption.Clients.Count == 0 && exemption.Identities.Count == 0)
            {
                errors.Add($"ShadowAi:Exceptions[{i}] names no Clients and no Identities, so it matches nobody.");
            }

            if (exemption.Providers.Count == 0)
            {
                errors.Add($"ShadowAi:Exceptions[{i}] names no Providers (use \"*\" for every provider).");
            }
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var providers = options.Catalog?.Providers ?? [];
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[i];
            var where = $"ShadowAi:Catalog:Providers[{i}]";
            if (provider is null || string.IsNullOrWhiteSpace(provider.Name))
            {
                errors.Add($"{where} has no Name.");
                continue;
            }

            where += $" ({provider.Name})";
            if (!names.Add(provider.Name))
            {
                errors.Add($"{where}: the name is used by another provider.");
            }

            foreach (var host in provider.Hosts)
            {
                if (HostPattern.Check(host) is { } problem)
                {
                    errors.Add($"{where}: host pattern '{host}' {problem}.");
                }
                else if (owners.TryGetValue(HostPattern.Normalize(host), out var owner) && !string.Equals(owner, provider.Name, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{where}: host pattern '{host}' is also listed by '{owner}'.");
                }
                else
                {
                    owners[HostPattern.Normalize(host)] = provider.Name;
                }
            }

            foreach (var path in provider.Paths)
            {
                if (PathSignature.Check(path) is { } problem)
                {
                    errors.Add($"{where}: path '{path}' {problem}.");
                }
            }

            foreach (var header in provider.Headers)
            {
                if (string.IsNullOrWhiteSpace(header) || header.AsSpan().IndexOfAny(NotInHeaderNames) >= 0)
                {
                    errors.Add($"{where}: header name '{header}' is empty or not a header name.");
                }
            }
        }
    }

    /// <summary>Parses <c>10.1.0.0/16</c>, <c>::1/128</c> or a bare address (a single-address range).</summary>
    internal static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.IndexOf('/') < 0)
        {
            if (!IPAddress.TryParse(trimmed, out var address))
            {
                return false;
            }

            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // IPNetwork masks host bits away (10.1.2.3/16 becomes 10.1.0.0/16); an address with bits past the prefix is
        // more likely a typo for a narrower range than a wish for the wider one, so it is refused.
        var slash = trimmed.IndexOf('/');
        return IPNetwork.TryParse(trimmed, out network)
            && IPAddress.TryParse(trimmed[..slash], out var written)
            && network.BaseAddress.Equals(written);
    }
}
