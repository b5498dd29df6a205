using AdmissionGuard.Sandbox.Api;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// Watches the healing from outside, after every change of the cluster: how many pods still lack a running managed
/// pod (the curve), and per controller the most pods unavailable at once (missing, terminating or not Ready).
/// </summary>
internal sealed class HealingObserver(ClusterApi api, int nodes, FakeTimeProvider clock)
{
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private readonly List<(double Seconds, int Unmanaged)> _timeline = [];

    public Dictionary<string, int> MostUnavailable { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<(double Seconds, int Unmanaged)> Timeline => _timeline;

    public TimeSpan Elapsed { get; private set; }

    /// <returns>How many pods are still not running managed by Cilium.</returns>
    public int Sample()
    {
        var pods = HealingScenario.ScenarioPods(api).ToList();
        var byController = pods.GroupBy(p => p.Metadata.Labels["app"]).ToDictionary(g => g.Key, g => g.ToList());
        var missingManaged = 0;
        foreach (var (controller, owned) in byController)
        {
            var desired = controller.StartsWith("ds-", StringComparison.Ordinal) ? nodes : 10;
            var available = owned.Count(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
            MostUnavailable[controller] = Math.Max(MostUnavailable.GetValueOrDefault(controller), desired - available);
            missingManaged += desired - owned.Count(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase == "Running" && HealingScenario.Managed(api, p));
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
}
