namespace Nethical.Guard.Training;

/// <summary>Placeholder until the INT8 optimizer lands.</summary>
internal static class EncoderBuilder
{
    public static string GetOrBuildInt8(Nethical.Guard.Inference.EncoderAssets assets, string directory)
        => throw new NotSupportedException("INT8 is not built yet.");
}
