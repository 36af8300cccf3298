using Nethical.Guard.Tier2;
using static TorchSharp.torch;

namespace Nethical.Guard.Training.FineTuning;

/// <summary>
/// Token windows as the serving encoder feeds them (<see cref="OnnxEncoder.Embed"/>): [CLS] ids [SEP], padded to the
/// longest window of the batch, with a 0/1 attention mask.
/// </summary>
internal static class TokenBatch
{
    public static (Tensor Ids, Tensor Mask) Create(IReadOnlyList<TokenWindow> windows, EncoderTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var sequence = windows.Max(w => w.Ids.Length) + 2;
        var ids = new long[windows.Count * sequence];
        var mask = new long[windows.Count * sequence];
        for (var row = 0; row < windows.Count; row++)
        {
            var offset = row * sequence;
            var source = windows[row].Ids.Span;
            ids.AsSpan(offset, sequence).Fill(tokenizer.PaddingTokenId);
            ids[offset] = tokenizer.ClassificationTokenId;
            for (var i = 0; i < source.Length; i++)
            {
                ids[offset + 1 + i] = source[i];
            }
            ids[offset + 1 + source.Length] = tokenizer.SeparatorTokenId;
            mask.AsSpan(offset, source.Length + 2).Fill(1);
        }
        long[] shape = [windows.Count, sequence];
        return (tensor(ids, shape), tensor(mask, shape));
    }
}
