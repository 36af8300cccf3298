using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using HdrHistogram;
using Nethical.LoadTests.Scenarios;

namespace Nethical.LoadTests.Running;

/// <summary>
/// Drives one target with one load and measures it. Open model: each request has an intended send time from the
/// arrival rate and its latency counts from that time, so a server that stalls the generator cannot hide its latency
/// (no coordinated omission); a request the generator sends late still counts from its intended time, and is counted
/// as late. Closed model: <see cref="LoadSettings.Clients"/> loops, latency from each send.
/// </summary>
internal static class LoadRunner
{
    // Histograms in microseconds, from 1 µs to 10 minutes.
    private const long HighestMicros = 600_000_000;
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>
    /// Runs <paramref name="settings"/> against <paramref name="target"/>: directly, or through the forward proxy of
    /// <paramref name="proxy"/> (CONNECT tunnels or absolute-form requests; loopback only).
    /// </summary>
    public static async Task<RunResult> RunAsync(LoadSettings settings, Uri target, CancellationToken cancellationToken, LoadProgress? progress = null,
        ProxyRoute? proxy = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(target);
        var scenario = ScenarioCatalog.Get(settings.Scenario);
        var source = scenario.CreateSource(settings);
        var requestUri = new Uri(target, settings.Path);
        using var handler = LoadClientHandler.Create(settings, requestUri, proxy);
        using var client = new HttpClient(handler) { Timeout = settings.RequestTimeout };
        var state = new RunState(settings, progress ?? new LoadProgress(), scenario.TimeToFirstByte);
        state.Progress.Start(state.Start);

        if (settings.IsClosed)
        {
            await RunClosedAsync(state, client, requestUri, source, cancellationToken);
        }
        else
        {
            await RunOpenAsync(state, client, requestUri, source, cancellationToken);
        }

        state.Progress.Phase = "draining";
        // Responses of measured requests still count after the measured phase: wait for them, bounded by the timeout.
        var drainUntil = TimeProvider.System.GetTimestamp() + Ticks(settings.RequestTimeout + TimeSpan.FromSeconds(2));
        while (Interlocked.Read(ref state.InFlight) > 0 && TimeProvider.System.GetTimestamp() < drainUntil && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        state.Progress.Phase = "done";
        return state.ToResult(scenario.Name) with { Mode = proxy?.ModeName ?? "" };
    }

    private static async Task RunOpenAsync(RunState state, HttpClient client, Uri uri, IRequestSource source, CancellationToken cancellationToken)
    {
        var settings = state.Settings;
        var frequency = (double)TimeProvider.System.TimestampFrequency;
        var step = -1;
        foreach (var segment in Segments(settings))
        {
            if (segment.Measured)
            {
                step++;
            }

            state.Progress.Phase = segment.Measured ? $"measuring at {segment.Rate:0} req/s"
                : segment.Recovery ? $"recovery at {segment.Rate:0} req/s"
                : segment.Calm ? $"calm at {segment.Rate:0} req/s (baseline)" : "warm-up";
            var interval = frequency / segment.Rate;
            var segmentStart = state.Start + Ticks(segment.Start);
            var segmentEnd = state.Start + Ticks(segment.End);
            for (long n = 0; ; n++)
            {
                var intended = segmentStart + (long)(n * interval);
                if (intended >= segmentEnd || cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var now = TimeProvider.System.GetTimestamp();
                if (intended > now)
                {
                    // Task.Delay's resolution is about a millisecond; the wait's error counts in the latency (from the
                    // intended time), equally for every target.
                    var wait = TimeSpan.FromSeconds((intended - now) / frequency);
                    if (wait >= TimeSpan.FromMilliseconds(1))
                    {
                        try
                        {
                            await Task.Delay(wait, cancellationToken);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }

                    now = TimeProvider.System.GetTimestamp();
                }

                var measured = segment.Measured;
                if (measured)
                {
                    state.OnScheduled();
                }

                if (Interlocked.Read(ref state.InFlight) >= settings.MaxInFlight)
                {
                    if (measured)
                    {
                        state.OnDropped();
                    }
                    else if (segment.Recovery)
                    {
                        state.OnRecoveryError(intended);
                    }
                    else if (segment.Calm)
                    {
                        state.OnCalmError();
                    }

                    continue;
                }

                if (measured)
                {
                    state.OnSentLate(Math.Max(0, now - intended));
                }
                else if (segment.Recovery)
                {
                    state.OnRecoverySent(intended);
                }

                _ = SendAsync(state, client, uri, source.Next(), intended, measured, Math.Max(0, step), cancellationToken, segment.Recovery, segment.Calm);
            }
        }
    }

    private static async Task RunClosedAsync(RunState state, HttpClient client, Uri uri, IRequestSource source, CancellationToken cancellationToken)
    {
        var settings = state.Settings;
        var warmupEnd = state.Start + Ticks(settings.Warmup);
        var end = warmupEnd + Ticks(settings.MeasuredDuration);
        state.Progress.Phase = settings.Warmup > TimeSpan.Zero ? "warm-up" : $"measuring with {settings.Clients} clients";
        var clients = new Task[settings.Clients];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var now = TimeProvider.System.GetTimestamp();
                    if (now >= end)
                    {
                        return;
                    }

                    var measured = now >= warmupEnd;
                    if (measured)
                    {
                        state.Progress.Phase = $"measuring with {settings.Clients} clients";
                        state.OnScheduled();
                        state.OnSentLate(0);
                    }

                    await SendAsync(state, client, uri, source.Next(), now, measured, 0, cancellationToken);
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(clients);
    }

    private static async Task SendAsync(RunState state, HttpClient client, Uri uri, byte[] body, long intended, bool measured, int step,
        CancellationToken cancellationToken, bool recovery = false, bool calm = false)
    {
        Interlocked.Increment(ref state.InFlight);
        state.Progress.OnSent();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = s_json;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-loadtest");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            // Read to the last byte (an SSE stream to its [DONE]).
            var firstByte = 0L;
            await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                if (state.TimesFirstByte)
                {
                    firstByte = await ReadTimingFirstByteAsync(stream, cancellationToken);
                }
                else
                {
                    await stream.CopyToAsync(Stream.Null, cancellationToken);
                }
            }

            var end = TimeProvider.System.GetTimestamp();
            if (measured && firstByte > 0)
            {
                state.OnFirstByte(firstByte - intended);
            }

            state.Progress.OnCompleted();
            if (measured)
            {
                state.OnCompleted((int)response.StatusCode, end - intended, end, step, response.Headers.RetryAfter is not null);
            }
            else if (recovery)
            {
                state.OnRecoveryCompleted((int)response.StatusCode, end - intended, intended);
            }
            else if (calm)
            {
                state.OnCalmCompleted((int)response.StatusCode, end - intended);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            state.Progress.OnError();
            if (measured)
            {
                state.OnError(cancellationToken.IsCancellationRequested ? "cancelled" : Classify(exception));
            }
            else if (recovery)
            {
                state.OnRecoveryError(intended);
            }
            else if (calm)
            {
                state.OnCalmError();
            }
        }
        finally
        {
            Interlocked.Decrement(ref state.InFlight);
        }
    }

    /// <summary>Reads the body to its end and returns when its first byte came (0 for an empty body).</summary>
    private static async Task<long> ReadTimingFirstByteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            var firstByte = read > 0 ? TimeProvider.System.GetTimestamp() : 0;
            while (read > 0)
            {
                read = await stream.ReadAsync(buffer, cancellationToken);
            }

            return firstByte;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Connection refused, timeout, reset, a refused tunnel (<c>tunnel_403</c>) or other.</summary>
    internal static string Classify(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProxyTunnelException tunnel)
            {
                return "tunnel_" + tunnel.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (exception is TaskCanceledException { InnerException: TimeoutException } or TimeoutException)
        {
            return "timeout";
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection_refused";
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
                    return "reset";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return "timeout";
                case HttpIOException:
                    return "reset";
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                    return "connection_refused";
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return "reset";
            }
        }

        return exception is IOException ? "reset" : "other";
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * TimeProvider.System.TimestampFrequency);

    internal readonly record struct Segment(TimeSpan Start, TimeSpan End, double Rate, bool Measured, bool Recovery = false, bool Calm = false);

    /// <summary>
    /// The open model's phases: warm-up at the first rate; the steps (or one step of the duration). With a recovery tail,
    /// the warm-up runs at the tail's rate and a calm phase at that rate follows it (the target's own baseline, measured
    /// apart) before the steps, and the tail (<see cref="LoadSettings.RecoveryShare"/> of the last rate, measured apart)
    /// comes after them.
    /// </summary>
    internal static IEnumerable<Segment> Segments(LoadSettings settings)
    {
        if (settings.Rate <= 0)
        {
            throw new ArgumentException("The rate must be above zero.", nameof(settings));
        }

        // With a calm phase, the warm-up runs at the calm rate before it, so the baseline holds no cold start and the
        // load starts on a target that has not been loaded yet.
        var calm = settings.CalmDuration;
        if (settings.Warmup > TimeSpan.Zero)
        {
            yield return new Segment(TimeSpan.Zero, settings.Warmup, calm > TimeSpan.Zero ? settings.RecoveryRate : settings.Rate, Measured: false);
        }

        if (calm > TimeSpan.Zero)
        {
            yield return new Segment(settings.Warmup, settings.Warmup + calm, settings.RecoveryRate, Measured: false, Calm: true);
        }

        var measureStart = settings.Warmup + calm;
        var steps = Math.Max(1, settings.Steps);
        if (steps == 1)
        {
            yield return new Segment(measureStart, measureStart + settings.Duration, settings.Rate, Measured: true);
        }
        else
        {
            for (var step = 0; step < steps; step++)
            {
                var start = measureStart + (settings.StepDuration * step);
                yield return new Segment(start, start + settings.StepDuration, settings.Rate * (step + 1), Measured: true);
            }
        }

        if (settings.RecoveryDuration > TimeSpan.Zero)
        {
            var start = measureStart + settings.MeasuredDuration;
            yield return new Segment(start, start + settings.RecoveryDuration, settings.RecoveryRate, Measured: false, Recovery: true);
        }
    }

    /// <summary>The counters and histograms of one run.</summary>
    private sealed class RunState
    {
        public readonly LoadSettings Settings;
        public readonly LoadProgress Progress;
        public readonly long Start = TimeProvider.System.GetTimestamp();
        public readonly bool TimesFirstByte;
        public long InFlight;
        private readonly long _measureStart;
        private readonly LongConcurrentHistogram _latency = new(1, HighestMicros, 3);
        private readonly LongConcurrentHistogram _lateness = new(1, HighestMicros, 3);
        private readonly LongConcurrentHistogram _firstByte = new(1, HighestMicros, 3);
        private readonly LongConcurrentHistogram _admitted = new(1, HighestMicros, 3);
        private readonly LongConcurrentHistogram[] _perSecond;
        private readonly long[] _completedPerSecond;
        private readonly LongConcurrentHistogram[] _stepLatency;
        private readonly long[] _stepCompleted;
        private readonly ConcurrentDictionary<int, long> _statusCodes = new();
        private readonly ConcurrentDictionary<string, long> _errorKinds = new();
        private readonly long[] _shedPerSecond;
        private long _shed;
        private long _shedWithRetryAfter;
        // The recovery tail, by intended send second from the tail's start.
        private readonly long _tailStart;
        private readonly LongConcurrentHistogram _tailLatency = new(1, HighestMicros, 3);
        private readonly LongConcurrentHistogram _calmLatency = new(1, HighestMicros, 3);
        private long _calmShed;
        private long _calmErrors;
        private readonly LongConcurrentHistogram[] _tailPerSecond;
        private readonly long[] _tailSent;
        private readonly long[] _tailCompleted;
        private readonly long[] _tailShed;
        private readonly long[] _tailErrors;
        private readonly long _lateThresholdTicks;
        private long _scheduled;
        private long _sent;
        private long _dropped;
        private long _late;
        private long _completed;
        private long _ok;
        private long _errors;
        private long _sinceP99Update;

        public RunState(LoadSettings settings, LoadProgress progress, bool timesFirstByte)
        {
            Settings = settings;
            Progress = progress;
            TimesFirstByte = timesFirstByte;
            _measureStart = Start + Ticks(settings.CalmDuration + settings.Warmup);
            _lateThresholdTicks = Ticks(settings.LateThreshold);
            // One bucket per measured second and the drain after it.
            var seconds = (int)Math.Ceiling((settings.MeasuredDuration + settings.RecoveryDuration + settings.RequestTimeout).TotalSeconds) + 3;
            _shedPerSecond = new long[seconds];
            _tailStart = _measureStart + Ticks(settings.MeasuredDuration);
            var tailSeconds = settings.IsClosed || settings.RecoveryDuration <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(settings.RecoveryDuration.TotalSeconds);
            _tailPerSecond = new LongConcurrentHistogram[tailSeconds];
            for (var i = 0; i < tailSeconds; i++)
            {
                _tailPerSecond[i] = new LongConcurrentHistogram(1, HighestMicros, 2);
            }

            _tailSent = new long[tailSeconds];
            _tailCompleted = new long[tailSeconds];
            _tailShed = new long[tailSeconds];
            _tailErrors = new long[tailSeconds];
            _perSecond = new LongConcurrentHistogram[seconds];
            for (var i = 0; i < seconds; i++)
            {
                _perSecond[i] = new LongConcurrentHistogram(1, HighestMicros, 2);
            }

            _completedPerSecond = new long[seconds];
            var steps = settings.IsClosed ? 1 : Math.Max(1, settings.Steps);
            _stepLatency = new LongConcurrentHistogram[steps];
            for (var i = 0; i < steps; i++)
            {
                _stepLatency[i] = new LongConcurrentHistogram(1, HighestMicros, 3);
            }

            _stepCompleted = new long[steps];
        }

        public void OnScheduled() => Interlocked.Increment(ref _scheduled);

        public void OnDropped()
        {
            Interlocked.Increment(ref _dropped);
            Progress.OnDropped();
        }

        public void OnSentLate(long lateTicks)
        {
            Interlocked.Increment(ref _sent);
            _lateness.RecordValue(Math.Clamp(Micros(lateTicks), 1, HighestMicros));
            if (lateTicks > _lateThresholdTicks)
            {
                Interlocked.Increment(ref _late);
            }
        }

        public void OnCompleted(int status, long latencyTicks, long endTimestamp, int step, bool retryAfter)
        {
            var micros = Math.Clamp(Micros(latencyTicks), 1, HighestMicros);
            _latency.RecordValue(micros);
            step = Math.Min(step, _stepLatency.Length - 1);
            _stepLatency[step].RecordValue(micros);
            Interlocked.Increment(ref _stepCompleted[step]);
            var second = (int)Math.Clamp((endTimestamp - _measureStart) / TimeProvider.System.TimestampFrequency, 0, _perSecond.Length - 1);
            _perSecond[second].RecordValue(micros);
            Interlocked.Increment(ref _completedPerSecond[second]);
            if (status != 503)
            {
                _admitted.RecordValue(micros);
            }

            if (status == 503)
            {
                Interlocked.Increment(ref _shedPerSecond[second]);
                Interlocked.Increment(ref _shed);
                if (retryAfter)
                {
                    Interlocked.Increment(ref _shedWithRetryAfter);
                }
            }

            _statusCodes.AddOrUpdate(status, 1, static (_, count) => count + 1);
            Interlocked.Increment(ref _completed);
            if (status is >= 200 and < 300)
            {
                Interlocked.Increment(ref _ok);
            }

            // The live p99 is a percentile over the whole histogram: refresh it every few hundred answers, not each.
            if (Interlocked.Increment(ref _sinceP99Update) % 256 == 0)
            {
                Progress.P99Ms = _latency.GetValueAtPercentile(99) / 1000.0;
            }
        }

        public void OnRecoverySent(long intended) => Interlocked.Increment(ref _tailSent[TailSecond(intended)]);

        public void OnRecoveryCompleted(int status, long latencyTicks, long intended)
        {
            var second = TailSecond(intended);
            var micros = Math.Clamp(Micros(latencyTicks), 1, HighestMicros);
            _tailLatency.RecordValue(micros);
            _tailPerSecond[second].RecordValue(micros);
            Interlocked.Increment(ref _tailCompleted[second]);
            if (status == 503)
            {
                Interlocked.Increment(ref _tailShed[second]);
            }
        }

        public void OnCalmCompleted(int status, long latencyTicks)
        {
            _calmLatency.RecordValue(Math.Clamp(Micros(latencyTicks), 1, HighestMicros));
            if (status == 503)
            {
                Interlocked.Increment(ref _calmShed);
            }
        }

        public void OnCalmError() => Interlocked.Increment(ref _calmErrors);

        public void OnRecoveryError(long intended) => Interlocked.Increment(ref _tailErrors[TailSecond(intended)]);

        private int TailSecond(long intended) =>
            (int)Math.Clamp((intended - _tailStart) / TimeProvider.System.TimestampFrequency, 0, _tailSent.Length - 1);

        public void OnFirstByte(long ticks) => _firstByte.RecordValue(Math.Clamp(Micros(ticks), 1, HighestMicros));

        public void OnError(string kind)
        {
            _errorKinds.AddOrUpdate(kind, 1, static (_, count) => count + 1);
            Interlocked.Increment(ref _errors);
        }

        public RunResult ToResult(string scenario)
        {
            var seconds = Settings.MeasuredDuration.TotalSeconds;
            // Trim the drain's empty tail from the series.
            var last = Array.FindLastIndex(_completedPerSecond, static count => count > 0);
            var series = new List<SecondSample>(Math.Max(0, last + 1));
            for (var i = 0; i <= last; i++)
            {
                var bucket = _perSecond[i];
                series.Add(new SecondSample(i, Interlocked.Read(ref _completedPerSecond[i]), bucket.TotalCount == 0 ? 0 : bucket.GetValueAtPercentile(99) / 1000.0,
                    Interlocked.Read(ref _shedPerSecond[i])));
            }

            var sent = Interlocked.Read(ref _sent);
            var completed = Interlocked.Read(ref _completed);
            var errors = Interlocked.Read(ref _errors);
            return new RunResult
            {
                Scenario = scenario,
                Model = Settings.IsClosed ? "closed" : "open",
                Rate = Settings.IsClosed ? 0 : Settings.Rate,
                Steps = Settings.IsClosed ? 0 : Math.Max(1, Settings.Steps),
                Clients = Settings.Clients,
                DurationSeconds = seconds,
                Scheduled = Interlocked.Read(ref _scheduled),
                Sent = sent,
                DroppedByGenerator = Interlocked.Read(ref _dropped),
                Late = Interlocked.Read(ref _late),
                LateThresholdMs = Settings.LateThreshold.TotalMilliseconds,
                LateMaxMs = _lateness.TotalCount == 0 ? 0 : _lateness.GetMaxValue() / 1000.0,
                LateP99Ms = _lateness.TotalCount == 0 ? 0 : _lateness.GetValueAtPercentile(99) / 1000.0,
                Completed = completed,
                Ok = Interlocked.Read(ref _ok),
                Errors = errors,
                Unfinished = Math.Max(0, sent - completed - errors),
                Throughput = seconds > 0 ? completed / seconds : 0,
                Latency = Summarize(_latency),
                AdmittedLatency = Summarize(_admitted),
                TimeToFirstByte = TimesFirstByte ? Summarize(_firstByte) : null,
                StatusCodes = _statusCodes.OrderBy(static pair => pair.Key)
                    .ToDictionary(static pair => pair.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), static pair => pair.Value),
                ErrorKinds = _errorKinds.OrderBy(static pair => pair.Key, StringComparer.Ordinal).ToDictionary(static pair => pair.Key, static pair => pair.Value),
                Series = series,
                StepResults = StepResults(),
                Shed = Interlocked.Read(ref _shed),
                ShedWithRetryAfter = Interlocked.Read(ref _shedWithRetryAfter),
                Recovery = Recovery(),
            };
        }

        /// <summary>The recovery tail's numbers, per second of intended send time; null without a tail.</summary>
        private RecoveryResult? Recovery()
        {
            if (_tailSent.Length == 0)
            {
                return null;
            }

            var series = new List<RecoverySecond>(_tailSent.Length);
            for (var i = 0; i < _tailSent.Length; i++)
            {
                var bucket = _tailPerSecond[i];
                series.Add(new RecoverySecond(i, Interlocked.Read(ref _tailSent[i]), Interlocked.Read(ref _tailCompleted[i]), Interlocked.Read(ref _tailShed[i]),
                    Interlocked.Read(ref _tailErrors[i]), bucket.TotalCount == 0 ? 0 : bucket.GetValueAtPercentile(99) / 1000.0));
            }

            return new RecoveryResult
            {
                Rate = Settings.RecoveryRate,
                DurationSeconds = Settings.RecoveryDuration.TotalSeconds,
                Latency = Summarize(_tailLatency),
                Series = series,
                CalmLatency = Summarize(_calmLatency),
                CalmShed = Interlocked.Read(ref _calmShed),
                CalmErrors = Interlocked.Read(ref _calmErrors),
            };
        }

        /// <summary>Per step of an open run in steps (by intended send time); empty otherwise.</summary>
        private List<StepResult> StepResults()
        {
            var steps = new List<StepResult>();
            if (_stepLatency.Length < 2)
            {
                return steps;
            }

            for (var i = 0; i < _stepLatency.Length; i++)
            {
                var completed = Interlocked.Read(ref _stepCompleted[i]);
                steps.Add(new StepResult(i + 1, Settings.Rate * (i + 1), completed, completed / Settings.StepDuration.TotalSeconds, Summarize(_stepLatency[i])));
            }

            return steps;
        }

        private static LatencySummary Summarize(LongConcurrentHistogram histogram)
        {
            if (histogram.TotalCount == 0)
            {
                return new LatencySummary();
            }

            return new LatencySummary
            {
                Count = histogram.TotalCount,
                MeanMs = histogram.GetMean() / 1000.0,
                P50Ms = histogram.GetValueAtPercentile(50) / 1000.0,
                P75Ms = histogram.GetValueAtPercentile(75) / 1000.0,
                P95Ms = histogram.GetValueAtPercentile(95) / 1000.0,
                P99Ms = histogram.GetValueAtPercentile(99) / 1000.0,
                P999Ms = histogram.GetValueAtPercentile(99.9) / 1000.0,
                MaxMs = histogram.GetMaxValue() / 1000.0,
            };
        }

        private static long Micros(long ticks) => (long)(ticks * 1_000_000.0 / TimeProvider.System.TimestampFrequency);
    }
}
