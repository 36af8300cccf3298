using Nethical.Guard.Tier2;
using static TorchSharp.torch;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>Token windows as tensors, laid out exactly as the serving encoder feeds them (<see cref="OnnxEncoder.Inputs"/>).</summary>
internal static class TokenBatch
{
    public static (Tensor Ids, Tensor Mask) Create(IReadOnlyList<TokenWindow> windows, EncoderTokenizer tokenizer)
    {
        var (ids, mask, _, sequence) = OnnxEncoder.Inputs(windows, tokenizer);
        long[] shape = [windows.Count, sequence];
        return (tensor(ids, shape), tensor(mask, shape));
    }
}
