using System.Text;
using AdmissionGuard.Core;
using AdmissionGuard.Webhook;

namespace AdmissionGuard.Json;

/// <summary>
/// The strings that recur in every pod and every review (the kubelet's toleration keys, operators and effects, owner
/// kinds, the DaemonSet controller's label keys, the review's own vocabulary), read as one shared instance each instead
/// of a new string per occurrence. The webhook decodes a pod for every request and the caches 50,000 at start-up;
/// these make up most of their short strings.
/// </summary>
internal static class KnownValues
{
    private static readonly string[] Values =
    [
        // AdmissionReview
        AdmissionReviewReader.ApiVersion, AdmissionReviewReader.ReviewKind, "Pod", "Binding", "binding",
        "CREATE", "UPDATE", "DELETE", "CONNECT", "v1",
        // Tolerations and taints
        "Exists", "Equal", "NoExecute", "NoSchedule", "PreferNoSchedule", "CriticalAddonsOnly",
        "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable",
        "node.kubernetes.io/network-unavailable", WellKnown.CiliumAgentNotReadyTaint,
        // The namespaces of every cluster, where most DaemonSets run
        "kube-system", "default",
        // Owners, node affinity, scheduling gates, phases
        "DaemonSet", "ReplicaSet", "StatefulSet", "Job", "Node", "ReplicationController", "apps/v1", "batch/v1",
        "metadata.name", "In", "NotIn", WellKnown.SchedulingGate,
        "Pending", "Running", "Succeeded", "Failed", "Unknown", "True", "False", "true", "false",
        // Label keys that controllers set on every pod
        "controller-revision-hash", "pod-template-generation", "pod-template-hash", "app", "k8s-app",
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
        "app.kubernetes.io/managed-by", "app.kubernetes.io/version",
    ];

    // By UTF-8 length: a value is compared only with the known values of its length (rarely more than two).
    private static readonly (byte[] Utf8, string Value)[][] ByLength = Group();

    /// <summary>The shared instance of a known value given as UTF-8 (unescaped); null for any other text.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= ByLength.Length)
        {
            return null;
        }

        foreach (var (bytes, value) in ByLength[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return value;
            }
        }

        return null;
    }

    private static (byte[], string)[][] Group()
    {
        var encoded = Values.Distinct(StringComparer.Ordinal).Select(value => (Utf8: Encoding.UTF8.GetBytes(value), Value: value)).ToList();
        var byLength = new (byte[], string)[encoded.Max(known => known.Utf8.Length) + 1][];
        for (var length = 0; length < byLength.Length; length++)
        {
            byLength[length] = [.. encoded.Where(known => known.Utf8.Length == length)];
        }

        return byLength;
    }
}
