using System.Text;
using Nethical.Guard.ShadowAi;

namespace Nethical.Guard.Tests.ShadowAi;

public sealed class AiBodyShapeTests
{
    [Theory]
    [InlineData("""{"model":"m","messages":[]}""")]
    [InlineData("""{"inputs":"hi","parameters":{"max_new_tokens":8}}""")]
    [InlineData("""{"prompt":"hi","n_predict":16}""")]
    [InlineData("\uFEFF \r\n{\"contents\":[]}")]
    [InlineData("""{"mod\u0065l":"m","prompt":"hi"}""")]
    public void Weight_ModelRequestShapes_Scores(string body)
    {
        var weight = AiBodyShape.Weight(Encoding.UTF8.GetBytes(body));

        Assert.Equal(AiBodyShape.ShapeWeight, weight);
    }

    /// <summary>
    /// Member names fold case as the prompt walker's do (Go's <c>encoding/json</c> folding), since Ollama and other Go
    /// servers accept them so: a client must not hide a chat request behind <c>"MODEL"</c> or a long s.
    /// </summary>
    [Theory]
    [InlineData("""{"MODEL":"m","Messages":[]}""")]
    [InlineData("""{"Model":"m","PROMPT":"hi"}""")]
    [InlineData("""{"model":"m","me\u017F\u017Fages":[]}""")]
    [InlineData("""{"Inputs":"hi","Parameters":{}}""")]
    [InlineData("""{"prompt":"hi","N_PREDICT":16}""")]
    public void Weight_NamesInAnyCase_Scores(string body)
    {
        var weight = AiBodyShape.Weight(Encoding.UTF8.GetBytes(body));

        Assert.Equal(AiBodyShape.ShapeWeight, weight);
    }

    [Theory]
    [InlineData("""{"model":"m","parameters":{}}""")]
    [InlineData("""{"inputs":"hi","parameters":[]}""")]
    [InlineData("""{"prompt":"hi","n_predict":"16"}""")]
    [InlineData("""{"model":"m","message":[]}""")]
    [InlineData("""{"model":"m","messages":{}}""")]
    [InlineData("""{"models":"m","messages":[]}""")]
    [InlineData("""{"model":"m","\uD800":[],"messages":"x"}""")]
    [InlineData("")]
    public void Weight_OtherBodies_ScoreNothing(string body)
    {
        var weight = AiBodyShape.Weight(Encoding.UTF8.GetBytes(body));

        Assert.Equal(0, weight);
    }

    [Fact]
    public void Weight_LoneSurrogateEscapeInName_SkipsThatName()
    {
        var body = """{"\uD800":1,"model":"m","messages":[]}"""u8;

        var weight = AiBodyShape.Weight(body);

        Assert.Equal(AiBodyShape.ShapeWeight, weight);
    }

    [Fact]
    public void Weight_ShapeBeyondScanLimit_ScoresNothing()
    {
        var body = "{\"pad\":\"" + new string('x', AiBodyShape.MaxScanBytes) + "\",\"model\":\"m\",\"messages\":[]}";

        var weight = AiBodyShape.Weight(Encoding.UTF8.GetBytes(body));

        Assert.Equal(0, weight);
    }
}
