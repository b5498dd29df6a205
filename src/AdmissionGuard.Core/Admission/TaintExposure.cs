using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Admission;

public static class TaintExposure
{
    /// <summary>
    /// The not-ready taint that lets <paramref name="pod"/> start on <paramref name="node"/> too early, or null.
    /// The pod is exposed only when it tolerates every taint with one of <paramref name="taintKeys"/> on the
    /// node: a single untolerated one keeps the scheduler from placing it there, which is what we want.
    /// </summary>
    public static Taint? FindToleratedTaint(PodFacts pod, NodeFacts node, IReadOnlyCollection<string> taintKeys)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        Taint? first = null;
        // Indexed loops: admission calls this for every tainted node, and an interface enumerator allocates.
        for (var i = 0; i < node.Taints.Count; i++)
        {
            var taint = node.Taints[i];
            if (!taintKeys.Contains(taint.Key))
            {
                continue;
            }

            if (!Toleration.AnyTolerates(pod.Tolerations, taint))
            {
                return null;
            }

            first ??= taint;
        }

        return first;
    }
}
