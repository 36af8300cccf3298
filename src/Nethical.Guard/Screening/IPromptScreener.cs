using Nethical.Guard.Policy;

namespace Nethical.Guard.Screening;

/// <summary>
/// The one screening entry point: extraction, normalisation, tier 1, the gate, tier 2 and the policy, in one call. The
/// reverse proxy, the guard API and the egress proxy all call it and only map its decision to their protocol.
/// Registered by <c>AddNethicalGuard()</c>; a host may register its own before that call to replace it.
/// </summary>
public interface IPromptScreener
{
    /// <summary>
    /// Screens <paramref name="request"/> under <paramref name="policy"/>. Never throws for bad input: a body that cannot
    /// be read is a decision (<see cref="ScreeningOutcome.Unscreened"/> or <see cref="ScreeningOutcome.RefusedUnscreenable"/>).
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    ValueTask<ScreeningDecision> ScreenAsync(ScreeningRequest request, ScreeningPolicy policy, CancellationToken cancellationToken);
}
