using System.Collections.Frozen;
using System.Net;
using Nethical.Guard.Policy;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Decides what happens to AI traffic: allowed when its provider is sanctioned (<see cref="ShadowAiOptions.Sanctioned"/>)
/// or an exemption (<see cref="ShadowAiOptions.Exceptions"/>) covers the provider for this client address or identity;
/// otherwise as <see cref="ShadowAiOptions.Mode"/> says. Built once per options value.
/// </summary>
internal sealed class SanctionPolicy
{
    private readonly PolicyMode _mode;
    private readonly FrozenSet<string> _sanctioned;
    private readonly Exemption[] _exemptions;

    private SanctionPolicy(PolicyMode mode, FrozenSet<string> sanctioned, Exemption[] exemptions)
    {
        _mode = mode;
        _sanctioned = sanctioned;
        _exemptions = exemptions;
    }

    /// <summary>Builds the tables from validated options; throws <see cref="InvalidOperationException"/> for a bad address range.</summary>
    public static SanctionPolicy Build(ShadowAiOptions options)
    {
        var exemptions = new Exemption[options.Exceptions.Count];
        for (var i = 0; i < exemptions.Length; i++)
        {
            exemptions[i] = Exemption.Create(options.Exceptions[i]);
        }

        return new SanctionPolicy(options.Mode, Trimmed(options.Sanctioned).ToFrozenSet(StringComparer.OrdinalIgnoreCase), exemptions);
    }

    /// <summary>The action on AI traffic to <paramref name="provider"/>, and whether it is sanctioned for this client.</summary>
    public ShadowAiAction Decide(string provider, IPAddress? client, string? identity, out bool sanctioned)
    {
        sanctioned = IsSanctioned(provider, client, identity);
        return sanctioned || _mode == PolicyMode.Off
            ? ShadowAiAction.Allow
            : _mode == PolicyMode.Enforce ? ShadowAiAction.Block : ShadowAiAction.Flag;
    }

    private bool IsSanctioned(string provider, IPAddress? client, string? identity)
    {
        if (_sanctioned.Contains(provider))
        {
            return true;
        }

        if (_exemptions.Length == 0)
        {
            return false;
        }

        if (client is { IsIPv4MappedToIPv6: true })
        {
            client = client.MapToIPv4();
        }

        foreach (var exemption in _exemptions)
        {
            if (exemption.Covers(provider) && exemption.Matches(client, identity))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Trimmed(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            yield return value.Trim();
        }
    }

    /// <summary>One <see cref="ShadowAiExemption"/>: some providers, for some client ranges or identities.</summary>
    private sealed class Exemption
    {
        private readonly IPNetwork[] _networks;
        private readonly FrozenSet<string> _identities;
        private readonly FrozenSet<string> _providers;
        private readonly bool _everyProvider;

        private Exemption(IPNetwork[] networks, FrozenSet<string> identities, FrozenSet<string> providers)
        {
            _networks = networks;
            _identities = identities;
            _providers = providers;
            _everyProvider = providers.Contains("*");
        }

        public static Exemption Create(ShadowAiExemption options)
        {
            var networks = new IPNetwork[options.Clients.Count];
            for (var i = 0; i < networks.Length; i++)
            {
                if (!ShadowAiOptionsValidation.TryParseNetwork(options.Clients[i], out networks[i]))
                {
                    throw new InvalidOperationException($"'{options.Clients[i]}' is not an address range.");
                }
            }

            return new Exemption(
                networks,
                Trimmed(options.Identities).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                Trimmed(options.Providers).ToFrozenSet(StringComparer.OrdinalIgnoreCase));
        }

        public bool Covers(string provider) => _everyProvider || _providers.Contains(provider);

        public bool Matches(IPAddress? client, string? identity)
        {
            if (identity is not null && _identities.Contains(identity.Trim()))
            {
                return true;
            }

            if (client is not null)
            {
                foreach (var network in _networks)
                {
                    if (network.Contains(client))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
