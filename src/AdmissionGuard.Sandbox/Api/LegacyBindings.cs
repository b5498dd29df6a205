using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// core/v1 <c>bindings</c>: the create-only collection that predates the <c>pods/binding</c> subresource. kube-apiserver
/// still serves it and admits it as resource <c>bindings</c>; nothing is stored under it.
/// </summary>
public static class LegacyBindings
{
    /// <summary>The resource admission webhooks see (not in <see cref="ResourceTypes.All"/>: it holds no objects).</summary>
    public static ResourceType Resource { get; } = new("", "v1", "Binding", "bindings", "binding", true, [], [], [], typeof(V1Binding));

    /// <summary>Whether a request path below <c>/api/v1</c> is the namespaced bindings collection.</summary>
    public static bool IsTarget(string group, string[] rest) =>
        group.Length == 0 && rest is ["namespaces", _, "bindings"];
}
