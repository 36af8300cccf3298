using System.CommandLine;
using Nethical.Guard.Training;

namespace Nethical.Guard.Tests.Training;

/// <summary>The training tool's command line: typed options, help, and errors for what it does not know.</summary>
public sealed class TrainingCliTests
{
    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = TrainingCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Invoke_UnknownOption_FailsNamingIt()
    {
        var (exitCode, _, error) = Invoke("lofo", "--bogus", "1");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--bogus", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_FineTuneMalformedCapOrFamily_FailsNamingEachValue()
    {
        var (exitCode, _, error) = Invoke("finetune", "--cap", "bogus=1", "corpus=-2", "corpus=5", "--hold-out-family", "colour=red", "language=ru");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--cap bogus=1: expected SOURCE=N", error, StringComparison.Ordinal);
        Assert.Contains("--cap corpus=-2: expected SOURCE=N", error, StringComparison.Ordinal);
        Assert.DoesNotContain("corpus=5", error, StringComparison.Ordinal);
        Assert.Contains("--hold-out-family colour=red: expected FAMILY=VALUE", error, StringComparison.Ordinal);
        Assert.DoesNotContain("language=ru", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_UnknownCommand_Fails()
    {
        var (exitCode, _, error) = Invoke("trian");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("trian", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_ValueOutsideItsChoices_Fails()
    {
        var (exitCode, _, error) = Invoke("evaluate", "--variant", "int4");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("int4", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_HelpOnCommand_ListsItsOptions()
    {
        var (exitCode, output, _) = Invoke("evaluate", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--variant", "--before", "--out", "--data", "--models", "--artifacts", "--threads", "--seed" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("help")]
    [InlineData("--help")]
    public void Invoke_Help_ListsTheCommands(params string[] args)
    {
        var (exitCode, output, _) = Invoke(args);

        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "train", "distill", "evaluate", "quantize", "benchmark", "generate", "evaluate-corpus", "lofo", "oddness" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_TypedOptions_ReadTheirValuesAndDefaults()
    {
        var result = TrainingCli.Build().Parse(["train", "--hidden", "32", "--corpus", "false", "--source-aware", "--seed", "7"]);

        Assert.Empty(result.Errors);
        Assert.Equal(32, result.GetValue<int>("--hidden"));
        Assert.False(result.GetValue<bool>("--corpus"));
        // "--source-aware" alone means true, as it did before the typed options.
        Assert.Equal("true", result.GetValue<string>("--source-aware"));
        Assert.Equal(7, result.GetValue<int>("--seed"));
        Assert.Equal("shared", result.GetValue<string>("--threshold-on"));
        Assert.Equal(0.25, result.GetValue<double>("--corpus-weight"));
        Assert.Null(result.GetValue<string?>("--balance"));
    }

    [Fact]
    public void Parse_LofoFlags_AloneAndWithValues()
    {
        var result = TrainingCli.Build().Parse(["lofo", "--source-aware", "--kept", "false", "--families", "intent,carrier", "--head", "logistic"]);

        Assert.Empty(result.Errors);
        Assert.True(result.GetValue<bool>("--source-aware"));
        Assert.False(result.GetValue<bool>("--kept"));
        Assert.Equal("intent,carrier", result.GetValue<string>("--families"));
        Assert.Equal("logistic", result.GetValue<string>("--head"));
        Assert.Equal(60, result.GetValue<int>("--epochs"));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("distill")]
    [InlineData("evaluate")]
    [InlineData("quantize")]
    [InlineData("benchmark")]
    [InlineData("generate")]
    [InlineData("evaluate-corpus")]
    [InlineData("lofo")]
    [InlineData("oddness")]
    [InlineData("train", "--corpus-weight", "0.5", "--threshold-on", "all", "--corpus", "false")]
    [InlineData("evaluate", "--before", "/tmp/old-models", "--variant", "int8")]
    [InlineData("benchmark", "--threads", "1")]
    [InlineData("generate", "--seed", "42", "--out", "corpus.jsonl")]
    [InlineData("oddness", "--worst", "5", "--explain", "some text")]
    public void Parse_DocumentedCommandLines_HaveNoErrors(params string[] args)
    {
        var result = TrainingCli.Build().Parse(args);

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Parse_Benchmark_DefaultsToOneThreadAsServed()
    {
        var result = TrainingCli.Build().Parse(["benchmark"]);

        Assert.Equal(1, result.GetValue<int>("--threads"));
    }
}
