using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nethical.LoadTests.Reporting;
using Nethical.LoadTests.Running;

namespace Nethical.LoadTests.Tests.Running;

/// <summary>The overload scenario's shed counts and recovery tail: fields and arithmetic, never speed.</summary>
public sealed class OverloadTests
{
    [Fact]
    public void Segments_RecoveryTail_CalmFirstAndTailLastAtTheShareOfTheLastRate()
    {
        var settings = new LoadSettings { Rate = 100, Steps = 2, StepDuration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(1), RecoveryDuration = TimeSpan.FromSeconds(3) };

        var segments = LoadRunner.Segments(settings).ToList();

        Assert.Equal(20.0, segments[0].Rate, 6); // the warm-up at the calm rate
        var calm = segments[1];
        Assert.True(calm.Calm);
        Assert.Equal(20.0, calm.Rate, 6);
        Assert.Equal(TimeSpan.FromSeconds(1), calm.Start);
        Assert.Equal(TimeSpan.FromSeconds(4), calm.End);
        Assert.Equal(TimeSpan.FromSeconds(4), segments[2].Start); // the first step after it
        var tail = segments[^1];
        Assert.True(tail.Recovery);
        Assert.False(tail.Measured);
        Assert.Equal(20.0, tail.Rate, 6);
        Assert.Equal(TimeSpan.FromSeconds(8), tail.Start);
        Assert.Equal(TimeSpan.FromSeconds(11), tail.End);
    }

    [Fact]
    public void SecondsToRecover_ShedThenSlowThenClean_FirstCleanSecond()
    {
        RecoverySecond[] series =
        [
            new(0, 10, 10, 4, 0, 900),
            new(1, 10, 10, 0, 1, 5),
            new(2, 10, 10, 0, 0, 30),
            new(3, 10, 10, 0, 0, 9),
            new(4, 10, 10, 0, 0, 8),
        ];

        Assert.Equal(3, RecoveryResult.SecondsToRecover(series, baselineP99Ms: 5));
        Assert.Null(RecoveryResult.SecondsToRecover(series, baselineP99Ms: 4));
    }

    [Fact]
    public async Task RunAsync_OverloadAgainstSheddingServer_CountsShedRetryAfterAndTheTail()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await StartSheddingServerAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var settings = new LoadSettings
        {
            Scenario = "overload",
            Rate = 20,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.Zero,
            RecoveryDuration = TimeSpan.FromSeconds(1),
            RecoveryShare = 0.5,
            RequestTimeout = TimeSpan.FromSeconds(10),
            Path = "/v1/chat/completions",
        };

        var result = await LoadRunner.RunAsync(settings, new Uri(address + "/"), cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var applied = RecoveryBaseline.Apply([result with { Target = "gateway", Round = 1 }])[0];

        Assert.True(result.Shed > 0);
        Assert.Equal(result.StatusCodes["503"], result.Shed);
        Assert.Equal(result.Shed, result.ShedWithRetryAfter); // the server sets Retry-After on every 503
        Assert.Equal(result.Shed, result.Series.Sum(static s => s.Shed));
        // The admitted latency counts every answer but the 503s.
        Assert.Equal(result.Completed - result.Shed, result.AdmittedLatency.Count);
        var tail = Assert.IsType<RecoveryResult>(applied.Recovery);
        Assert.Equal(10.0, tail.Rate, 6);
        Assert.Single(tail.Series);
        Assert.InRange(tail.Series.Sum(static s => s.Sent), 7, 13); // 10 req/s for 1 s
        Assert.True(tail.Series.Sum(static s => s.Completed) <= tail.Series.Sum(static s => s.Sent));
        Assert.Equal("its calm p99 before the load", tail.BaselineOf);
        Assert.True(tail.CalmLatency.Count > 0);
        Assert.True(tail.CalmShed > 0); // the server sheds every other request, calm or not
        Assert.Equal(tail.CalmLatency.P99Ms, tail.BaselineP99Ms);
        var markdown = ReportWriter.ToMarkdown(new RunReport { Scenario = "overload", Results = [applied] });
        Assert.Contains("## Shed and recovery", markdown, StringComparison.Ordinal);
        Assert.Contains("\"recoveredAfterSeconds\"", ReportWriter.ToJson(new RunReport { Results = [applied] }), StringComparison.Ordinal);
    }

    /// <summary>Answers every other request 503 with Retry-After, the rest 200.</summary>
    private static async Task<WebApplication> StartSheddingServerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var count = 0;
        app.MapPost("/v1/chat/completions", (HttpContext context) =>
        {
            if (Interlocked.Increment(ref count) % 2 == 0)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{}", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        return app;
    }
}
