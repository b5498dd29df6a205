using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Reconciler;

/// <summary>The reconciler's writes, each waiting for its turn at <see cref="WriteRateLimiter"/>.</summary>
internal sealed class RateLimitedPodActions(IPodActions inner, WriteRateLimiter limiter) : IPodActions
{
    public async Task<RestartAttempt> RestartAsync(PodFacts pod, RestartMethod method, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken);
        return await inner.RestartAsync(pod, method, cancellationToken);
    }

    public async Task<GateReleaseAttempt> ReleaseGateAsync(PodFacts pod, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken);
        return await inner.ReleaseGateAsync(pod, cancellationToken);
    }
}
