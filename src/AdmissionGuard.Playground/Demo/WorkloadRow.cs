namespace AdmissionGuard.Playground.Demo;

/// <summary>One line of the demo's summary: a workload's pods at the end, and what happened to the pods it had.</summary>
/// <param name="Workload"><c>namespace/owner</c>.</param>
/// <param name="Pods">Pods that exist at the end.</param>
/// <param name="Managed">Of those, pods Running with a CiliumEndpoint that belongs to them (null: hostNetwork, no CNI needed).</param>
/// <param name="Restarted">Pods the guard evicted (or deleted) because Cilium did not manage them.</param>
/// <param name="GatedThenReleased">Pods held by the gate and released once their node was ready.</param>
/// <param name="StartedBeforeCilium">Pods seen starting on a node whose Cilium agent was not ready.</param>
internal sealed record WorkloadRow(string Workload, int Pods, int? Managed, int Restarted, int GatedThenReleased, int StartedBeforeCilium);
