using Nethical.Guard.Inference;

namespace Nethical.Guard.Training;

/// <summary>The INT8 encoder, built from the package's fp32 one by the same code the gateway uses at start-up.</summary>
internal static class EncoderBuilder
{
    public static string GetOrBuildInt8(EncoderAssets assets, string directory) => Tier2ModelLoader.GetOrBuildInt8(assets, directory);
}
