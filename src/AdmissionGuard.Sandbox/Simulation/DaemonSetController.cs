using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Scheduling;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The DaemonSet controller: one pod per eligible node (nodeSelector, required node affinity, and NoSchedule and
/// NoExecute taints checked with the template's tolerations plus <see cref="DaemonSetTolerations"/>). Pods are
/// created unbound and pinned through required node affinity <c>matchFields metadata.name In [node]</c>, exactly
/// as the real controller does, so admission sees the pinning and the scheduler binds them. A deleted pod is
/// recreated once it is gone (not while it is still terminating); a pod on a node that is gone, no longer matches, or has a NoExecute taint it does not tolerate is
/// deleted (a NoSchedule taint added later does not remove running pods). Pods carry the template's hash
/// (<c>controller-revision-hash</c>); when the template changes, a RollingUpdate DaemonSet replaces pods of older
/// templates as upstream's <c>rollingUpdate</c> does with <c>maxSurge: 0</c>: those not Ready at once, Ready ones while
/// fewer than <c>maxUnavailable</c> of its nodes lack a Ready pod (<c>maxSurge</c> is not simulated: a surging
/// DaemonSet rolls as if it were 0). An OnDelete DaemonSet replaces only the pods that are deleted. The hash is that of
/// the template's ControllerRevision (<see cref="ControllerHistory"/>), so a rolled-back template brings its old pods' hash back.
/// </summary>
internal sealed class DaemonSetController(ClusterApi api, ILogger logger) : IController
{
    private const string RevisionLabel = "controller-revision-hash";

    private readonly VersionCache<V1Pod> _pods = VersionCache.OfModels<V1Pod>();
    private readonly VersionCache<V1Node> _nodes = VersionCache.OfModels<V1Node>();
    private readonly ComponentEvents _events = new(api, "daemonset-controller", EventsApi.CoreV1, logger);
    private readonly ControllerHistory _history = new(api, "daemonset-controller", "DaemonSet", RevisionLabel, logger);

    public string Name => "daemonset-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.DaemonSets, ResourceTypes.Pods, ResourceTypes.Nodes, ResourceTypes.ControllerRevisions];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _pods.StartPass();
        _nodes.StartPass();
        _history.StartPass();
        var daemonSets = api.List<V1DaemonSet>();
        if (daemonSets.Count == 0)
        {
            return null;
        }

        var nodes = _nodes.ReadAll(api.List(ResourceTypes.Nodes, null).Items);
        foreach (var namespaceSets in daemonSets.GroupBy(d => d.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(_pods.ReadAll(api.List(ResourceTypes.Pods, namespaceSets.Key).Items), p => p.Metadata);
            var histories = _history.ByOwner(namespaceSets.Key);
            foreach (var daemonSet in namespaceSets)
            {
                if (daemonSet.Metadata.DeletionTimestamp is null && PodTemplates.SelectsOwnTemplate(daemonSet.Spec?.Selector, daemonSet.Spec?.Template)
                    && await _history.ConstructAsync(daemonSet.Metadata, daemonSet.Spec!.Template, histories.GetValueOrDefault(daemonSet.Metadata.Uid) ?? [], cancellationToken) is { } history)
                {
                    await SyncAsync(daemonSet, history, nodes, owned.GetValueOrDefault(daemonSet.Metadata.Uid) ?? [], cancellationToken);
                }
            }
        }

        return null;
    }

    private async Task SyncAsync(V1DaemonSet daemonSet, ControllerHistory.History history, IReadOnlyList<V1Node> nodes, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        var template = daemonSet.Spec.Template.Spec;
        var revision = history.Current.Hash;
        var tolerations = DaemonSetTolerations.For(template);
        var byNode = pods
            .GroupBy(p => DaemonPods.TargetNodeName(p.Spec) ?? "")
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Metadata.CreationTimestamp).ToList(), StringComparer.Ordinal);
        var counts = new DaemonCounts(revision);
        var outdated = new List<V1Pod>();
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name;
            var matches = NodeAffinity.Matches(template, node);
            var shouldRun = matches && Tolerations.FirstUntolerated(node.Spec?.Taints, tolerations, NodeFit.NoSchedule, NodeFit.NoExecute) is null;
            var mayContinue = matches && Tolerations.FirstUntolerated(node.Spec?.Taints, tolerations, NodeFit.NoExecute) is null;
            var onNode = byNode.Remove(name, out var found) ? found : [];
            var running = onNode.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
            counts.Count(shouldRun, running);
            if (onNode.Count == 0 && shouldRun)
            {
                await CreatePodAsync(daemonSet, revision, name, cancellationToken);
            }
            else if (running.Count > 0 && !mayContinue)
            {
                await DeletePodsAsync(daemonSet, running, "the node no longer fits the DaemonSet", cancellationToken);
            }
            else if (running.Count > 1)
            {
                await DeletePodsAsync(daemonSet, running.Skip(1), "a second pod on the node", cancellationToken);
            }
            else if (shouldRun && running.Count == 1 && !IsOfRevision(running[0], revision))
            {
                outdated.Add(running[0]);
            }
        }

        foreach (var leftover in byNode.Values.Select(g => g.Where(p => p.Metadata.DeletionTimestamp is null).ToList()).Where(g => g.Count > 0))
        {
            counts.Misscheduled += leftover.Count;
            await DeletePodsAsync(daemonSet, leftover, "its node does not exist", cancellationToken);
        }

        await RollAsync(daemonSet, outdated, counts, cancellationToken);
        var live = pods.Select(p => p.GetLabel(RevisionLabel)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        await _history.CleanupAsync(daemonSet.Metadata, daemonSet.Spec.RevisionHistoryLimit, history.Old, r => live.Contains(r.Hash), cancellationToken);
        await WriteStatusAsync(daemonSet, counts, cancellationToken);
    }

    private static bool IsOfRevision(V1Pod pod, string revision) => pod.GetLabel(RevisionLabel) == revision;

    private static bool IsReady(V1Pod pod) => StatusConditions.IsTrue(pod.Status, "Ready");

    private async Task RollAsync(V1DaemonSet daemonSet, List<V1Pod> outdated, DaemonCounts counts, CancellationToken cancellationToken)
    {
        var strategy = daemonSet.Spec.UpdateStrategy;
        if (outdated.Count == 0 || strategy?.Type == "OnDelete")
        {
            return;
        }

        // Upstream never lets a rolling update stall at zero: a percentage that scales to 0 allows one.
        var maxUnavailable = Math.Max(1, IntOrPercent.Scale(strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "1", counts.Desired) ?? 1);
        var unavailable = counts.Desired - counts.Ready;
        var replaced = outdated.Where(p => !IsReady(p)).ToList();
        foreach (var ready in outdated.Where(IsReady))
        {
            if (unavailable >= maxUnavailable)
            {
                break;
            }

            replaced.Add(ready);
            unavailable++;
        }

        await DeletePodsAsync(daemonSet, replaced, "rolling update to the current template", cancellationToken);
    }

    private async Task CreatePodAsync(V1DaemonSet daemonSet, string revision, string node, CancellationToken cancellationToken)
    {
        var pod = PodTemplates.NewPod(daemonSet.Spec.Template, daemonSet.Metadata.NamespaceProperty, Owners.Controller("apps/v1", "DaemonSet", daemonSet.Metadata));
        var spec = pod.Spec;
        spec.Tolerations = DaemonSetTolerations.For(spec);
        spec.Affinity ??= new V1Affinity();
        spec.Affinity.NodeAffinity ??= new V1NodeAffinity();
        spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
        {
            NodeSelectorTerms =
            [
                new V1NodeSelectorTerm
                {
                    MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] }],
                },
            ],
        };
        pod.Metadata.Labels["pod-template-generation"] = (daemonSet.Metadata.Generation ?? 1).ToString(CultureInfo.InvariantCulture);
        pod.Metadata.Labels[RevisionLabel] = revision;
        try
        {
            var created = await api.CreateAsync(pod, cancellationToken: cancellationToken);
            SimulationLog.DaemonPodCreated(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, created.Metadata.Name, node);
            await _events.PodCreatedAsync(About(daemonSet), created.Metadata.Name, cancellationToken);
        }
        catch (ApiException e) when (e.Code is not (404 or 409))
        {
            // Admission refused it (a webhook in deny mode, say): the DaemonSet keeps trying on later passes.
            SimulationLog.DaemonPodRefused(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, node, e.Message);
            await _events.PodCreateFailedAsync(About(daemonSet), e.Message, cancellationToken);
        }
    }

    private async Task DeletePodsAsync(V1DaemonSet daemonSet, IEnumerable<V1Pod> pods, string reason, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            var preconditions = new V1Preconditions { Uid = pod.Metadata.Uid };
            if (await Writes.TryAsync(() => api.DeleteAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, preconditions, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
            {
                SimulationLog.DaemonPodDeleted(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, pod.Metadata.Name, DaemonPods.TargetNodeName(pod.Spec) ?? "", reason);
                await _events.PodDeletedAsync(About(daemonSet), pod.Metadata.Name, cancellationToken);
            }
        }
    }

    private static V1ObjectReference About(V1DaemonSet daemonSet) => ComponentEvents.About("apps/v1", "DaemonSet", daemonSet.Metadata);

    private async Task WriteStatusAsync(V1DaemonSet daemonSet, DaemonCounts counts, CancellationToken cancellationToken)
    {
        var status = new V1DaemonSetStatus
        {
            DesiredNumberScheduled = counts.Desired,
            CurrentNumberScheduled = counts.Current,
            // desired, current, misscheduled and ready are always written; the others are omitempty (apps/v1.DaemonSetStatus).
            UpdatedNumberScheduled = OmitEmpty.Count(counts.Updated),
            NumberMisscheduled = counts.Misscheduled,
            NumberReady = counts.Ready,
            NumberAvailable = OmitEmpty.Count(counts.Ready),
            NumberUnavailable = OmitEmpty.Count(counts.Desired - counts.Ready),
            ObservedGeneration = daemonSet.Metadata.Generation,
        };
        if (PodTemplates.SameJson(status, daemonSet.Status ?? new V1DaemonSetStatus()))
        {
            return;
        }

        daemonSet.Status = status;
        await Writes.TryAsync(() => api.UpdateStatusAsync(daemonSet, cancellationToken: cancellationToken), Name, ResourceTypes.DaemonSets, daemonSet.Metadata, logger);
    }

    private sealed class DaemonCounts(string revision)
    {
        public int Desired { get; private set; }

        public int Current { get; private set; }

        public int Updated { get; private set; }

        public int Ready { get; private set; }

        public int Misscheduled { get; set; }

        public void Count(bool shouldRun, List<V1Pod> running)
        {
            if (!shouldRun)
            {
                Misscheduled += running.Count > 0 ? 1 : 0;
                return;
            }

            Desired++;
            Current += running.Count > 0 ? 1 : 0;
            Updated += running.Any(p => IsOfRevision(p, revision)) ? 1 : 0;
            Ready += running.Any(IsReady) ? 1 : 0;
        }
    }
}
