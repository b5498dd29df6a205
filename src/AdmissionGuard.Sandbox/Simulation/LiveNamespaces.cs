using AdmissionGuard.Sandbox.Api;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The namespaces that kube-controller-manager's controllers still create objects in: all but those being deleted,
/// whose contents the namespace's finalization is removing.
/// </summary>
internal static class LiveNamespaces
{
    public static IEnumerable<string> Of(ClusterApi api) =>
        api.List<V1Namespace>().Where(ns => ns.Status?.Phase != "Terminating" && ns.Metadata.DeletionTimestamp is null).Select(ns => ns.Metadata.Name);
}
