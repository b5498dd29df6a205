using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// Watches the healing from outside, after every change of the cluster: how many pods still lack a running managed
/// pod (the curve), and per controller the most pods unavailable at once (missing, terminating or not Ready). What it
/// reads of a pod or an endpoint is kept per version, so a sample costs a lookup per pod, not a deserialization.
/// </summary>
internal sealed class HealingObserver(ClusterApi api, int nodes, FakeTimeProvider clock)
{
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private readonly List<(double Seconds, int Unmanaged)> _timeline = [];
    private readonly VersionCache<PodState> _pods = new(static stored => PodState.Of(stored.ToModel<V1Pod>()));
    private readonly VersionCache<IReadOnlyList<string>> _endpointOwners = new(static stored =>
        [.. stored.ToModel<CiliumEndpoint>().Metadata.OwnerReferences?.Select(o => o.Uid) ?? []]);

    public Dictionary<string, int> MostUnavailable { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<(double Seconds, int Unmanaged)> Timeline => _timeline;

    public TimeSpan Elapsed { get; private set; }

    /// <returns>How many pods are still not running managed by Cilium.</returns>
    public int Sample()
    {
        _pods.StartPass();
        _endpointOwners.StartPass();
        var endpointOwners = api.List(ResourceTypes.CiliumEndpoints, HealingScenario.Namespace).Items.ToDictionary(e => e.Name, _endpointOwners.Read, StringComparer.Ordinal);
        var byController = HealingScenario.ScenarioPodObjects(api)
            .Select(stored => (stored.Uid, State: _pods.Read(stored)))
            .GroupBy(p => p.State.Controller)
            .ToDictionary(g => g.Key, g => g.ToList());
        var missingManaged = 0;
        foreach (var (controller, owned) in byController)
        {
            var desired = controller.StartsWith("ds-", StringComparison.Ordinal) ? nodes : 10;
            var available = owned.Count(p => p.State.Available);
            MostUnavailable[controller] = Math.Max(MostUnavailable.GetValueOrDefault(controller), desired - available);
            missingManaged += desired - owned.Count(p => p.State.Running && endpointOwners.TryGetValue(p.State.Name, out var owners) && owners.Contains(p.Uid));
        }

        Elapsed = clock.GetUtcNow() - _started;
        if (_timeline.Count == 0 || _timeline[^1].Unmanaged != missingManaged)
        {
            _timeline.Add((Elapsed.TotalSeconds, missingManaged));
        }

        return missingManaged;
    }

    /// <summary>Controllers that ever had more pods unavailable than allowed.</summary>
    public int Violations(IReadOnlyDictionary<string, int> allowances) =>
        allowances.Count(a => MostUnavailable.GetValueOrDefault(a.Key) > a.Value);

    /// <param name="Available">Not terminating and Ready.</param>
    /// <param name="Running">Not terminating and Running.</param>
    private sealed record PodState(string Name, string Controller, bool Available, bool Running)
    {
        public static PodState Of(V1Pod pod)
        {
            var alive = pod.Metadata.DeletionTimestamp is null;
            return new PodState(
                pod.Metadata.Name,
                pod.Metadata.Labels["app"],
                alive && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
                alive && pod.Status?.Phase == "Running");
        }
    }
}
