namespace AdmissionGuard.Core.Cluster;

/// <summary>A CiliumEndpoint (cilium.io/v2), reduced to what tells whether Cilium manages a pod.</summary>
/// <param name="OwnerPodUid">UID in the endpoint's Pod ownerReference; an endpoint left over from an earlier
/// pod of the same name (StatefulSets reuse names) carries the old UID.</param>
/// <param name="State">status.state, e.g. ready, regenerating, waiting-for-identity, not-ready.</param>
/// <param name="NodeIp">status.networking.node: the IP of the endpoint's node, not its name (match pods to nodes by
/// <c>spec.nodeName</c>, never by this).</param>
public sealed record EndpointFacts(string Namespace, string Name, string OwnerPodUid, string State, string? NodeIp);
