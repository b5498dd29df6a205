using System.Globalization;
using AdmissionGuard.Core;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using k8s.Models;

namespace AdmissionGuard.Playground.Demo;

/// <summary>
/// Where the story stands, read from the cluster (and the timeline's memory of each pod): one row per workload, and
/// what still keeps it from the happy end (every pod that needs the CNI Running and managed by Cilium, every
/// DaemonSet on every node, no node tainted).
/// </summary>
internal sealed record DemoOutcome(IReadOnlyList<WorkloadRow> Rows, IReadOnlyList<string> Problems)
{
    public bool Settled => Problems.Count == 0;

    public static DemoOutcome Read(ClusterApi api, IReadOnlyList<PodHistory> history)
    {
        ArgumentNullException.ThrowIfNull(api);
        var nodes = api.List<V1Node>();
        var pods = api.List<V1Pod>();
        var endpoints = api.List<CiliumEndpoint>().ToDictionary(e => $"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}", StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(nodes.Where(n => n.Spec?.Taints?.Any(t => t.Key == WellKnown.CiliumAgentNotReadyTaint) == true)
            .Select(n => $"node {n.Metadata.Name} is still tainted {WellKnown.CiliumAgentNotReadyTaint}"));

        bool IsManaged(V1Pod pod) =>
            pod.Status?.Phase == "Running"
            && endpoints.TryGetValue($"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}", out var endpoint)
            && endpoint.Metadata.OwnerReferences?.Any(o => o.Uid == pod.Metadata.Uid) == true;

        foreach (var pod in pods.Where(p => p.Spec?.HostNetwork != true && !IsManaged(p)))
        {
            var state = pod.Spec?.SchedulingGates?.Count > 0 ? "gated" : pod.Status?.Phase ?? "Pending";
            problems.Add($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} ({state}) is not managed by Cilium");
        }

        foreach (var daemonSet in api.List<V1DaemonSet>())
        {
            var count = pods.Count(p => p.Metadata.NamespaceProperty == daemonSet.Metadata.NamespaceProperty && p.Metadata.OwnerReferences?.Any(o => o.Uid == daemonSet.Metadata.Uid) == true);
            if (count != nodes.Count)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"DaemonSet {daemonSet.Metadata.NamespaceProperty}/{daemonSet.Metadata.Name} has {count} pods for {nodes.Count} nodes"));
            }
        }

        var rows = pods
            .GroupBy(p => Workload(p.Metadata.NamespaceProperty, p.Metadata.OwnerReferences?.FirstOrDefault()?.Name ?? p.Metadata.Name), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var seen = history.Where(h => Workload(h.Namespace, h.Owner ?? h.Name) == g.Key).ToList();
                return new WorkloadRow(
                    g.Key,
                    g.Count(),
                    g.All(p => p.Spec?.HostNetwork == true) ? null : g.Count(IsManaged),
                    seen.Count(h => h.Restarted),
                    seen.Count(h => h.Gated && h.GateReleased),
                    seen.Count(h => h.StartedBeforeCilium));
            })
            .ToList();
        return new DemoOutcome(rows, problems);
    }

    /// <summary>The summary table.</summary>
    public void Print(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string[] headers = ["WORKLOAD", "PODS", "MANAGED BY CILIUM", "STARTED BEFORE CILIUM", "RESTARTED BY GUARD", "GATED, THEN RELEASED"];
        var cells = Rows.Select(r => new[]
        {
            r.Workload,
            Number(r.Pods),
            r.Managed is { } managed ? Number(managed) : "n/a (host network)",
            Number(r.StartedBeforeCilium),
            Number(r.Restarted),
            Number(r.GatedThenReleased),
        }).ToList();
        var widths = headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in cells.Prepend(headers))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Workload(string objectNamespace, string owner) => $"{objectNamespace}/{owner}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
