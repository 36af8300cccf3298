using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>The trained artifacts in a models directory.</summary>
internal sealed record ModelFiles(ModelManifest Manifest, ClassifierHead Head, HashedNgramStudent? Student)
{
    public static ModelFiles Load(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException("No manifest: run train first.", manifestPath);
        }
        ModelManifest manifest;
        using (var stream = File.OpenRead(manifestPath))
        {
            manifest = ModelManifest.Load(stream);
        }
        ClassifierHead head;
        using (var stream = File.OpenRead(Path.Combine(directory, manifest.Head)))
        {
            head = ClassifierHead.Load(stream);
        }
        HashedNgramStudent? student = null;
        if (manifest.Student is { } s)
        {
            using var stream = File.OpenRead(Path.Combine(directory, s.File));
            student = HashedNgramStudent.Load(stream);
        }
        return new ModelFiles(manifest, head, student);
    }
}
