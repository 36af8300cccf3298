using TorchSharp;

namespace Nethical.Guard.FineTuning.Tests;

/// <summary>
/// Whether libtorch loads here. Where it does not (a Debian 12 machine the build could not patch: no patchelf, no root),
/// the fine-tuning tests skip, saying how to fix it; CI sets <c>NETHICAL_REQUIRE_LIBTORCH=1</c> so that they fail instead.
/// </summary>
internal static class LibTorch
{
    private static readonly Lazy<string?> s_failure = new(() =>
    {
        try
        {
            using var probe = torch.ones(2, 2).sum();
            return probe.item<float>() == 4f ? null : "libtorch loaded but computed ones(2,2).sum() wrong";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException)
        {
            return e.GetBaseException().Message;
        }
    });

    public static void Require()
    {
        if (s_failure.Value is not { } failure)
        {
            return;
        }
        var message = $"libtorch did not load ({failure}); on Debian 12 run tools/torchsharp-debian12.sh on the test's build folder (needs g++ and patchelf).";
        if (Environment.GetEnvironmentVariable("NETHICAL_REQUIRE_LIBTORCH") == "1")
        {
            throw new InvalidOperationException(message);
        }
        Assert.Skip(message);
    }
}
