using System.Collections.Frozen;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Host → provider look-up over the catalog, built once per options value. Exact hosts sit in a
/// <see cref="FrozenDictionary{TKey, TValue}"/>; wildcard patterns in a trie keyed by labels from the right, so a
/// look-up costs one hash probe per label of the host (plus a second branch where a wildcard and a literal label
/// both continue), however many entries the catalog has. Hosts compare case-insensitively; a trailing dot is ignored.
/// </summary>
internal sealed class AiEndpointCatalog
{
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly Node? _wildcards;

    private AiEndpointCatalog(FrozenDictionary<string, string> exact, Node? wildcards, int providers, int wildcardHosts)
    {
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcards = wildcards;
        ProviderCount = providers;
        ExactHostCount = exact.Count;
        WildcardHostCount = wildcardHosts;
    }

    public static readonly AiEndpointCatalog Empty = Build(new AiCatalogOptions());

    public int ProviderCount { get; }

    public int ExactHostCount { get; }

    public int WildcardHostCount { get; }

    /// <summary>Builds the look-up; throws <see cref="InvalidOperationException"/> naming every invalid pattern.</summary>
    public static AiEndpointCatalog Build(AiCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var exact = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var root = new NodeBuilder();
        var wildcardHosts = 0;
        var providers = 0;
        foreach (var provider in options.Providers)
        {
            if (provider is null || string.IsNullOrWhiteSpace(provider.Name))
            {
                errors.Add("a catalog provider has no Name");
                continue;
            }

            providers++;
            foreach (var host in provider.Hosts)
            {
                if (HostPattern.Check(host) is { } problem)
                {
                    errors.Add($"{provider.Name}: host pattern '{host}' {problem}");
                    continue;
                }

                var normalized = HostPattern.Normalize(host);
                if (!HostPattern.HasWildcard(normalized))
                {
                    exact.TryAdd(normalized, provider.Name);
                    continue;
                }

                var node = root;
                var labels = normalized.Split('.');
                for (var i = labels.Length - 1; i >= 0; i--)
                {
                    node = node.Child(labels[i]);
                }

                if (node.Provider is null)
                {
                    node.Provider = provider.Name;
                    wildcardHosts++;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The AI endpoint catalog is invalid: " + string.Join("; ", errors) + ".");
        }

        return new AiEndpointCatalog(exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), wildcardHosts == 0 ? null : root.Build(), providers, wildcardHosts);
    }

    /// <summary>The provider whose pattern matches <paramref name="host"/>, or null. Exact entries win over wildcards.</summary>
    public string? Match(ReadOnlySpan<char> host)
    {
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        if (host.IsEmpty)
        {
            return null;
        }

        if (_exact.TryGetValue(host, out var provider))
        {
            return provider;
        }

        return _wildcards is null ? null : Find(_wildcards, host);
    }

    private static string? Find(Node node, ReadOnlySpan<char> host)
    {
        var dot = host.LastIndexOf('.');
        var label = host[(dot + 1)..];
        if (label.IsEmpty)
        {
            return null;
        }

        var rest = dot < 0 ? default : host[..dot];
        if (node.Children.TryGetValue(label, out var child))
        {
            var found = dot < 0 ? child.Provider : Find(child, rest);
            if (found is not null)
            {
                return found;
            }
        }

        if (node.Wildcard is { } wildcard)
        {
            return dot < 0 ? wildcard.Provider : Find(wildcard, rest);
        }

        return null;
    }

    private sealed class Node(FrozenDictionary<string, Node> children, Node? wildcard, string? provider)
    {
        public FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> Children { get; } = children.GetAlternateLookup<ReadOnlySpan<char>>();

        public Node? Wildcard { get; } = wildcard;

        public string? Provider { get; } = provider;
    }

    private sealed class NodeBuilder
    {
        private readonly Dictionary<string, NodeBuilder> _children = new(StringComparer.Ordinal);
        private NodeBuilder? _wildcard;

        public string? Provider { get; set; }

        public NodeBuilder Child(string label)
        {
            if (label == HostPattern.Wildcard)
            {
                return _wildcard ??= new NodeBuilder();
            }

            if (!_children.TryGetValue(label, out var child))
            {
                child = new NodeBuilder();
                _children.Add(label, child);
            }

            return child;
        }

        public Node Build()
        {
            var children = new Dictionary<string, Node>(_children.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var (label, child) in _children)
            {
                children.Add(label, child.Build());
            }

            return new Node(children.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), _wildcard?.Build(), Provider);
        }
    }
}
