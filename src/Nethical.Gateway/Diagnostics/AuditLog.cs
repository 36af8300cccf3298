using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Nethical.Gateway.Diagnostics;

/// <summary>
/// Queues audit records without blocking the request path and writes them as JSON lines from a background service.
/// </summary>
internal sealed partial class AuditLog : BackgroundService
{
    private readonly Channel<AuditRecord> _channel;
    private readonly AuditOptions _options;
    private readonly ILogger _logger;
    private readonly Counter<long> _dropped;
    private readonly TimeProvider _time;

    public AuditLog(IOptions<AuditOptions> options, ILoggerFactory loggerFactory, IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger("Nethical.Audit");
        _channel = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            // Wait, not DropWrite: with Wait, TryWrite says false when full, so a drop is seen and counted (nothing ever waits).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _dropped = meterFactory.Create(GatewayDiagnostics.MeterName)
            .CreateCounter<long>("nethical.audit.dropped", unit: "{record}", description: "Audit records dropped because the queue was full.");
    }

    public bool Enabled => _options.Enabled;

    public void Record(in AuditRecord record)
    {
        if (_options.Enabled && !_channel.Writer.TryWrite(record) && _dropped.Enabled)
        {
            _dropped.Add(1);
        }
    }

    /// <summary>
    /// Records a decision now, in the current trace, identifying the body by its SHA-256 prefix and length (never its text).
    /// </summary>
    public void Record(string route, string? client, string verdict, double? score, string? reasons, ReadOnlySpan<byte> body, TimeSpan elapsed,
        string kind = "screening", string? provider = null, string? target = null)
    {
        if (!_options.Enabled)
        {
            return;
        }
        Record(new AuditRecord(
            _time.GetUtcNow(),
            route,
            client,
            verdict,
            score,
            reasons,
            body.IsEmpty ? null : GatewayDiagnostics.Fingerprint(body),
            body.Length,
            elapsed.TotalMilliseconds,
            Activity.Current?.TraceId.ToHexString(),
            kind,
            provider,
            target));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StreamWriter? file = null;
        if (!string.IsNullOrEmpty(_options.FilePath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_options.FilePath))!);
            file = new StreamWriter(new FileStream(_options.FilePath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        try
        {
            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var record))
                {
                    buffer.ResetWrittenCount();
                    Write(buffer, record);
                    var line = Encoding.UTF8.GetString(buffer.WrittenSpan);
                    if (file is not null)
                    {
                        await file.WriteLineAsync(line).ConfigureAwait(false);
                    }
                    else
                    {
                        AuditRecorded(_logger, line);
                    }
                }

                if (file is not null)
                {
                    await file.FlushAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static void Write(IBufferWriter<byte> output, in AuditRecord record)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("time", record.Time);
        writer.WriteString("kind", record.Kind);
        writer.WriteString("route", record.Route);
        if (record.Provider is not null)
        {
            writer.WriteString("provider", record.Provider);
        }
        if (record.Target is not null)
        {
            writer.WriteString("target", record.Target);
        }
        writer.WriteString("client", record.Client);
        writer.WriteString("verdict", record.Verdict);
        if (record.Score is double score)
        {
            writer.WriteNumber("score", Math.Round(score, 4));
        }

        writer.WriteStartArray("reasons");
        if (!string.IsNullOrEmpty(record.Reasons))
        {
            foreach (var reason in record.Reasons.Split(','))
            {
                writer.WriteStringValue(reason);
            }
        }

        writer.WriteEndArray();
        writer.WriteString("bodySha256", record.BodySha256);
        writer.WriteNumber("bodyLength", record.BodyLength);
        writer.WriteNumber("guardMs", Math.Round(record.GuardMilliseconds, 3));
        writer.WriteString("traceId", record.TraceId);
        writer.WriteEndObject();
    }

    [LoggerMessage(EventId = 200, EventName = "Audit", Level = LogLevel.Information, Message = "{AuditRecord}")]
    private static partial void AuditRecorded(ILogger logger, string auditRecord);
}
