using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;

namespace AdmissionGuard.Cluster;

/// <summary>
/// <see cref="ICacheArrival"/> for a cluster snapshot that is not fed by the caches (a fixed one, as tests and
/// benchmarks register): nothing will arrive later, so it only looks and never waits.
/// </summary>
internal sealed class FixedSnapshotArrival(IClusterSnapshot snapshot) : ICacheArrival
{
    public Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return Task.FromResult(snapshot.GetPod(binding.Namespace, binding.PodName) is { } pod && binding.IsFor(pod));
    }

    public Task<bool> WaitForNodeAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(snapshot.GetNode(name) is not null);
}
