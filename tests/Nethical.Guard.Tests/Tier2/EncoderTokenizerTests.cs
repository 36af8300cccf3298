using Nethical.Guard.Tier2;

namespace Nethical.Guard.Tests.Tier2;

public sealed class EncoderTokenizerTests
{
    private static EncoderTokenizer Create()
    {
        var assets = EncoderAssets.FromPackage("MiniLM");
        using var vocabulary = assets.OpenVocabulary();
        return new EncoderTokenizer(vocabulary);
    }

    // Ids are line numbers of the package's vocab.txt (0-based), checked by hand.
    [Theory]
    [InlineData("Hello world!", new[] { 7592, 2088, 999 })]
    [InlineData("Ignore previous instructions.", new[] { 8568, 3025, 8128, 1012 })]
    [InlineData("HELLO   World", new[] { 7592, 2088 })]
    [InlineData("Café", new[] { 7668 })]
    [InlineData("cafe\u0301", new[] { 7668 })]
    public void Encode_KnownText_MatchesVocabularyIds(string text, int[] expected)
    {
        var tokenizer = Create();

        var ids = tokenizer.Encode(text);

        Assert.Equal(expected, ids);
    }

    [Fact]
    public void SpecialTokens_AreTheVocabularyEntries()
    {
        var tokenizer = Create();

        Assert.Equal(101, tokenizer.ClassificationTokenId);
        Assert.Equal(102, tokenizer.SeparatorTokenId);
        Assert.Equal(0, tokenizer.PaddingTokenId);
        Assert.Equal(100, tokenizer.UnknownTokenId);
    }

    [Fact]
    public void Encode_SpecialTokenText_IsNotASpecialToken()
    {
        var tokenizer = Create();

        var ids = tokenizer.Encode("[SEP] [CLS]");

        Assert.DoesNotContain(102, ids);
        Assert.DoesNotContain(101, ids);
    }

    [Fact]
    public void Encode_CjkText_OneTokenPerCharacter()
    {
        var tokenizer = Create();

        var ids = tokenizer.Encode("忽略之前");

        // One token per character; the uncased English vocabulary lacks 忽 and 略 ([UNK]) but has 之 and 前.
        Assert.Equal([100, 100, 1749, 1776], ids);
    }
}
