using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Admission;

/// <summary>The admission rules for pod CREATE and <c>pods/binding</c> CREATE. Pure: reads the snapshot only.</summary>
public static class PodAdmission
{
    public static AdmissionDecision DecideCreate(PodFacts pod, IClusterSnapshot snapshot, AdmissionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        var mode = policy.ModeFor(snapshot.GetNamespaceLabels(pod.Namespace), pod.Namespace);
        if (mode.Mode == GuardMode.Off || CniRequirement.Evaluate(pod, policy.Exclusions) != CniNeed.Needed)
        {
            return AdmissionDecision.Skip(mode);
        }

        return pod.Target.Name is { } nodeName
            ? DecideTargeted(pod, nodeName, snapshot, policy, mode)
            : DecideUnpinned(pod, snapshot, policy, mode);
    }

    public static AdmissionDecision DecideBinding(PodBinding binding, IClusterSnapshot snapshot, AdmissionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        var mode = policy.ModeFor(snapshot.GetNamespaceLabels(binding.Namespace), binding.Namespace);
        if (mode.Mode == GuardMode.Off)
        {
            return AdmissionDecision.Skip(mode);
        }

        // The cache may lag behind a pod created (or recreated) a moment ago, even after the webhook waited for it (a
        // loaded API server, a dropped watch). Onto a node that still carries the taint, refusing is the safe side: the
        // scheduler retries within seconds, while a pod bound there now would run without Cilium until a restart.
        // Elsewhere the binding cannot expose the pod, and warn mode never refuses.
        if (snapshot.GetPod(binding.Namespace, binding.PodName) is not { } pod || !binding.IsFor(pod))
        {
            return mode.Mode != GuardMode.Warn && snapshot.GetNode(binding.NodeName)?.FindTaint(policy.TaintKeys) is { } nodeTaint
                ? AdmissionDecision.Deny(mode, new Finding("pod-not-in-cache", binding.NodeName, nodeTaint),
                    AdmissionMessages.UnknownPodBindingDenied($"{binding.Namespace}/{binding.PodName}", binding.NodeName, nodeTaint))
                : AdmissionDecision.FailOpen(mode, new Finding("pod-not-in-cache", binding.NodeName));
        }

        if (CniRequirement.Evaluate(pod, policy.Exclusions) != CniNeed.Needed)
        {
            return AdmissionDecision.Skip(mode);
        }

        if (snapshot.GetNode(binding.NodeName) is not { } node)
        {
            return AdmissionDecision.Warn(mode, new Finding("node-not-in-cache", binding.NodeName), AdmissionMessages.UnknownNode(binding.NodeName));
        }

        if (TaintExposure.FindToleratedTaint(pod, node, policy.TaintKeys) is not { } taint)
        {
            return AdmissionDecision.Allow(mode);
        }

        var finding = new Finding("binding-to-tainted-node", node.Name, taint);
        // Refusing a binding needs no reconciler (the scheduler retries), so gate mode refuses even without one.
        return mode.Mode == GuardMode.Warn
            ? AdmissionDecision.Warn(mode, finding, AdmissionMessages.StillTainted(node.Name, taint))
            : AdmissionDecision.Deny(mode, finding, AdmissionMessages.BindingDenied(node.Name, taint));
    }

    private static AdmissionDecision DecideTargeted(PodFacts pod, string nodeName, IClusterSnapshot snapshot, AdmissionPolicy policy, ModeResolution mode)
    {
        if (snapshot.GetNode(nodeName) is not { } node)
        {
            return AdmissionDecision.Warn(mode, new Finding("node-not-in-cache", nodeName), AdmissionMessages.UnknownNode(nodeName));
        }

        if (TaintExposure.FindToleratedTaint(pod, node, policy.TaintKeys) is not { } taint)
        {
            return AdmissionDecision.Allow(mode);
        }

        var pinned = pod.Target.Kind == TargetKind.PinnedByAffinity;
        var finding = new Finding(pinned ? "pinned-to-tainted-node" : "node-name-on-tainted-node", node.Name, taint);
        return mode.Mode switch
        {
            GuardMode.Deny => AdmissionDecision.Deny(mode, finding, AdmissionMessages.PodDenied(node.Name, taint)),
            GuardMode.Gate when !pinned => AdmissionDecision.Warn(mode, finding, Risk(), AdmissionMessages.CannotGateNodeName),
            // A gate nobody releases would hold the pod forever: warn instead while no leader is alive.
            GuardMode.Gate when !snapshot.GateReleaserAlive => AdmissionDecision.Warn(mode, finding, Risk(), AdmissionMessages.NoReconciler),
            GuardMode.Gate => AdmissionDecision.Gate(mode, finding, addGate: !pod.HasGate(WellKnown.SchedulingGate), AdmissionMessages.Gated(node.Name, taint)),
            _ => AdmissionDecision.Warn(mode, finding, Risk()),
        };

        // Rendered only where it is shown: the gate and deny answers have their own texts.
        string Risk() => AdmissionMessages.StillTainted(node.Name, taint);
    }

    // The scheduler picks the node later; the binding check refuses a tainted one. Warn now so that the
    // author learns why the pod may wait, naming one tainted node (the first by name, for stable output).
    // Counted in one pass without collecting the exposures: this runs for every unpinned pod. The exposure depends on
    // the node's taints alone, and nodes with equal taints share one list in the caches (all the nodes Cilium has not
    // reached carry the same taint), so a list is judged once for a run of nodes that share it, not once per node.
    private static AdmissionDecision DecideUnpinned(PodFacts pod, IClusterSnapshot snapshot, AdmissionPolicy policy, ModeResolution mode)
    {
        var exposed = 0;
        (string Name, Taint Taint)? first = null;
        IReadOnlyList<Taint>? judgedTaints = null;
        Taint? tolerated = null;
        foreach (var node in snapshot.TaintedNodes)
        {
            if (!ReferenceEquals(node.Taints, judgedTaints))
            {
                judgedTaints = node.Taints;
                tolerated = TaintExposure.FindToleratedTaint(pod, node, policy.TaintKeys);
            }

            if (tolerated is not { } taint)
            {
                continue;
            }

            exposed++;
            if (first is not { } current || string.CompareOrdinal(node.Name, current.Name) < 0)
            {
                first = (node.Name, taint);
            }
        }

        if (first is not { } found)
        {
            return AdmissionDecision.Allow(mode);
        }

        return AdmissionDecision.Warn(mode, new Finding("tolerates-tainted-nodes", found.Name, found.Taint),
            AdmissionMessages.MayLandOnTaintedNode(found.Name, exposed, found.Taint));
    }
}
