using System.Security.Cryptography;
using System.Text;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// Window embeddings of texts, cached on disk per encoder variant (keyed by a SHA-256 of the text), so train, evaluate
/// and distill embed each text once. The cache holds vectors, not text.
/// </summary>
internal sealed class EmbeddingStore : IDisposable
{
    private readonly OnnxClassifier _model;
    private readonly string _path;
    private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly int _dimension;
    private int _added;

    public EmbeddingStore(OnnxClassifier model, string cachePath)
    {
        _model = model;
        _path = cachePath;
        _dimension = model.Encoder.Dimension;
        Load();
    }

    public int Dimension => _dimension;

    /// <summary>Each text's window embeddings, flattened [windows × dimension]. Embeds the ones not cached yet.</summary>
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, IProgress<string>? progress = null)
    {
        var keys = texts.Select(Key).ToArray();
        var missing = new List<(int Text, PreparedText Prepared)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            if (!_cache.ContainsKey(keys[i]) && seen.Add(keys[i]))
            {
                missing.Add((i, _model.Prepare(texts[i])));
            }
        }

        if (missing.Count > 0)
        {
            var vectors = _model.EmbedBatch([.. missing.Select(m => m.Prepared)], 32, progress);
            for (var i = 0; i < missing.Count; i++)
            {
                _cache[keys[missing[i].Text]] = vectors[i];
                _added++;
            }
            Save();
        }
        return keys.Select(k => _cache[k]).ToArray();
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }
        using var reader = new BinaryReader(File.OpenRead(_path));
        if (reader.ReadInt32() != _dimension)
        {
            return;
        }
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var length = reader.ReadInt32();
            var vector = new float[length];
            for (var j = 0; j < length; j++)
            {
                vector[j] = reader.ReadSingle();
            }
            _cache[key] = vector;
        }
    }

    private void Save()
    {
        if (_added == 0)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = _path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(_dimension);
            writer.Write(_cache.Count);
            foreach (var (key, vector) in _cache)
            {
                writer.Write(key);
                writer.Write(vector.Length);
                foreach (var value in vector)
                {
                    writer.Write(value);
                }
            }
        }
        File.Move(temporary, _path, overwrite: true);
        _added = 0;
    }

    public void Dispose() => Save();
}
