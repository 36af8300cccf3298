using System.IO.Pipelines;

namespace Nethical.Gateway.Egress;

/// <summary>
/// Discards what a refused client is still sending (bounded), so that closing does not reset the connection before it
/// reads our answer.
/// </summary>
internal static class ClientDrain
{
    private const int MaxBytes = 1024 * 1024;

    /// <summary>How long a refusal waits for the client to finish sending.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    public static async Task DrainAsync(PipeReader input, CancellationToken cancellationToken)
    {
        long drained = 0;
        while (drained < MaxBytes)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }
}
