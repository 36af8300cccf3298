namespace Nethical.Guard;

/// <summary>The name the engine's instruments are published under.</summary>
public static class GuardDiagnostics
{
    /// <summary>
    /// The name of the engine's <see cref="System.Diagnostics.Metrics.Meter"/>: the gateway's own, so one
    /// <c>AddMeter</c> collects the engine's and the gateway's instruments together.
    /// </summary>
    public const string MeterName = "Nethical.Gateway";
}
