namespace AdmissionGuard.Core.Healing;

/// <summary>
/// The part of a pod's controller that says how many of its pods may be down at once, as its own rolling update
/// would take them down. The guard's caches keep only this per DaemonSet, ReplicaSet, Deployment and StatefulSet.
/// </summary>
/// <param name="Kind">DaemonSet, ReplicaSet, Deployment or StatefulSet.</param>
/// <param name="Uid">metadata.uid.</param>
/// <param name="ParentUid">A ReplicaSet's Deployment (its controller owner), if any.</param>
/// <param name="Strategy">DaemonSet/StatefulSet updateStrategy.type or Deployment strategy.type (empty: the default).</param>
/// <param name="MaxUnavailable">rollingUpdate.maxUnavailable as written (<c>3</c> or <c>10%</c>); null: the default.</param>
/// <param name="Scale">What a percentage is of: a DaemonSet's status.desiredNumberScheduled, else spec.replicas.</param>
public sealed record WorkloadOwner(string Kind, string Uid, string? ParentUid, string Strategy, string? MaxUnavailable, int Scale);
