using Nethical.Guard.Tier2;
using static TorchSharp.torch;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>Token windows as tensors, laid out exactly as the serving encoder feeds them (<see cref="OnnxEncoder.Inputs"/>).</summary>
internal static class TokenBatch
{
    /// <param name="windows">The windows, one row each.</param>
    /// <param name="tokenizer">The serving tokenizer (its special tokens).</param>
    /// <param name="marked">Rows whose first token (the classification token) becomes <paramref name="marker"/>.</param>
    /// <param name="marker">The source marker's token id.</param>
    public static (Tensor Ids, Tensor Mask) Create(IReadOnlyList<TokenWindow> windows, EncoderTokenizer tokenizer, Func<int, bool>? marked = null, long marker = 0)
    {
        var (ids, mask, _, sequence) = OnnxEncoder.Inputs(windows, tokenizer);
        for (var row = 0; marked is not null && row < windows.Count; row++)
        {
            if (marked(row))
            {
                ids[row * sequence] = marker;
            }
        }
        long[] shape = [windows.Count, sequence];
        return (tensor(ids, shape), tensor(mask, shape));
    }
}
