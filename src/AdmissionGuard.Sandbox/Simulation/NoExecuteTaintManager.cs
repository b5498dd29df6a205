using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Scheduling;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The taint-based eviction of kube-controller-manager: a pod on a node with a NoExecute taint it does not tolerate
/// is deleted at once; a pod that tolerates every such taint but with <c>tolerationSeconds</c> is deleted that
/// long (the smallest of them) after the taint manager first saw it under those taints.
/// </summary>
internal sealed class NoExecuteTaintManager(ClusterApi api, ILogger logger) : IController
{
    // Pod uid -> when the pod was first seen tolerating NoExecute taints only for a while.
    private readonly Dictionary<string, DateTimeOffset> _toleratingSince = new(StringComparer.Ordinal);
    private readonly VersionCache<V1Node> _nodes = VersionCache.OfModels<V1Node>();

    public string Name => "taint-eviction";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Pods, ResourceTypes.Nodes];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = api.Time.GetUtcNow();
        DateTimeOffset? next = null;
        var counting = new HashSet<string>(StringComparer.Ordinal);
        _nodes.StartPass();
        foreach (var listed in _nodes.ReadAll(api.List(ResourceTypes.Nodes, null).Items))
        {
            if (NoExecuteTaints(listed).Count == 0)
            {
                continue;
            }

            var onNode = new ListOptions { FieldSelector = "spec.nodeName=" + listed.Metadata.Name };
            var pods = api.List(ResourceTypes.Pods, null, onNode).Items.Select(p => p.ToModel<V1Pod>()).ToList();

            // The node as it is now, read after its pods: a pod bound once the taint was gone (the scheduler saw it
            // so) must not be judged by the taints of the list above, which earlier evictions of this pass made older.
            var taints = api.Get<V1Node>(null, listed.Metadata.Name) is { } node ? NoExecuteTaints(node) : [];
            foreach (var pod in taints.Count == 0 ? [] : pods)
            {
                var (taint, after) = Assess(pod, taints);
                if (taint is null)
                {
                    continue;
                }

                if (after is { } grace)
                {
                    counting.Add(pod.Metadata.Uid);
                    var since = _toleratingSince.TryGetValue(pod.Metadata.Uid, out var seen) ? seen : _toleratingSince[pod.Metadata.Uid] = now;
                    if (since + grace > now)
                    {
                        next = next is { } earlier && earlier < since + grace ? earlier : since + grace;
                        continue;
                    }
                }

                await EvictAsync(pod, taint, cancellationToken);
            }
        }

        foreach (var uid in _toleratingSince.Keys.Where(uid => !counting.Contains(uid)).ToList())
        {
            _toleratingSince.Remove(uid);
        }

        return next;
    }

    private static List<V1Taint> NoExecuteTaints(V1Node node) => [.. (node.Spec?.Taints ?? []).Where(t => t.Effect == NodeFit.NoExecute)];

    /// <returns>
    /// The taint that evicts the pod (null: none, the pod stays) and after how long (null: at once, it is not tolerated).
    /// </returns>
    private static (V1Taint? Taint, TimeSpan? After) Assess(V1Pod pod, List<V1Taint> taints)
    {
        (V1Taint? Taint, TimeSpan? After) verdict = (null, null);
        foreach (var taint in taints)
        {
            // As the taint manager: the first toleration that tolerates a taint is the one whose seconds count.
            var used = Tolerations.FirstTolerating(pod.Spec.Tolerations, taint);
            if (used is null)
            {
                return (taint, null);
            }

            if (used.TolerationSeconds is { } seconds)
            {
                var after = TimeSpan.FromSeconds(Math.Max(0, seconds));
                if (verdict.After is null || after < verdict.After)
                {
                    verdict = (taint, after);
                }
            }
        }

        return verdict;
    }

    private async Task EvictAsync(V1Pod pod, V1Taint taint, CancellationToken cancellationToken)
    {
        var preconditions = new V1Preconditions { Uid = pod.Metadata.Uid };
        if (await Writes.TryAsync(() => api.DeleteAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, preconditions, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
        {
            _toleratingSince.Remove(pod.Metadata.Uid);
            SimulationLog.PodEvictedByTaint(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Spec.NodeName, string.IsNullOrEmpty(taint.Value) ? $"{taint.Key}:{taint.Effect}" : $"{taint.Key}={taint.Value}:{taint.Effect}");
        }
    }
}
