using Microsoft.ML.Tokenizers;

namespace Nethical.Guard.Tier2;

/// <summary>
/// The encoder's WordPiece tokenizer: BERT basic tokenization, lower case, accents stripped (both vocabularies are uncased:
/// without stripping, "café" is [UNK]), CJK characters one token each. Thread-safe.
/// </summary>
internal sealed class EncoderTokenizer
{
    private readonly BertTokenizer _tokenizer;

    public EncoderTokenizer(Stream vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            SplitOnSpecialTokens = false,
        });
        ClassificationTokenId = _tokenizer.ClassificationTokenId;
        SeparatorTokenId = _tokenizer.SeparatorTokenId;
        PaddingTokenId = _tokenizer.PaddingTokenId;
        UnknownTokenId = _tokenizer.UnknownTokenId;
    }

    public int ClassificationTokenId { get; }

    public int SeparatorTokenId { get; }

    public int PaddingTokenId { get; }

    public int UnknownTokenId { get; }

    /// <summary>Word-piece ids of <paramref name="text"/>, without [CLS] and [SEP].</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Text that mentions "[SEP]" or "[CLS]" is text: special tokens are never split out of user input.
        return _tokenizer.EncodeToIds(text, addSpecialTokens: false);
    }

    /// <summary>The vocabulary entry of an id (tests and diagnostics).</summary>
    public string? Decode(int id) => _tokenizer.Decode([id]);
}
