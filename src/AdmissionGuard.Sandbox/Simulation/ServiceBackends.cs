using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// What both endpoint controllers read of a Service's pods, as <c>k8s.io/endpointslice/util</c> has it for both:
/// which pods belong in its endpoints (<c>ShouldPodBeInEndpoints</c>), whether one is ready, and on which port a pod
/// serves a Service port (<c>findPort</c>).
/// </summary>
internal static class ServiceBackends
{
    /// <summary>
    /// Whether the Service has endpoints kept for it: a selector that selects something, and not <c>ExternalName</c>.
    /// A Service without one gets the endpoints someone writes for it.
    /// </summary>
    public static bool HasManagedEndpoints(V1Service service) =>
        service.Spec?.Selector is { Count: > 0 } && service.Spec.Type != "ExternalName";

    /// <summary>
    /// The pods of the Service's namespace its selector matches that belong in its endpoints: those with an IP that
    /// have not finished (Succeeded or Failed), and those being deleted only when <paramref name="includeTerminating"/>.
    /// </summary>
    public static IEnumerable<V1Pod> Pods(ClusterApi api, V1Service service, bool includeTerminating)
    {
        var selector = LabelSelector.FromModel(new V1LabelSelector { MatchLabels = service.Spec.Selector });
        return api.List(ResourceTypes.Pods, service.Metadata.NamespaceProperty).Items
            .Where(p => selector.Matches(p.Labels))
            .Select(p => p.ToModel<V1Pod>())
            .Where(pod => !string.IsNullOrEmpty(pod.Status?.PodIP) && pod.Status.Phase is not ("Succeeded" or "Failed")
                && (includeTerminating || pod.Metadata.DeletionTimestamp is null));
    }

    public static bool IsReady(V1Pod pod) => StatusConditions.IsTrue(pod.Status, "Ready");

    /// <summary>The <c>targetRef</c> an endpoint of the pod carries.</summary>
    public static V1ObjectReference ReferenceTo(V1Pod pod) =>
        new() { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid };

    /// <summary>
    /// The port the pod serves the Service port on: a numeric target port as it is, a named one through the ports of
    /// the pod's containers and sidecars (init containers that restart always) with the same protocol; null when the
    /// pod declares no port of that name.
    /// </summary>
    public static int? TargetPort(V1ServicePort port, V1Pod pod)
    {
        if (port.TargetPort?.Value is not { Length: > 0 } target)
        {
            return port.Port;
        }

        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var protocol = port.Protocol ?? "TCP";
        return (pod.Spec?.Containers ?? [])
            .Concat((pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"))
            .SelectMany(c => c.Ports ?? [])
            .FirstOrDefault(p => p.Name == target && (p.Protocol ?? "TCP") == protocol)?.ContainerPort;
    }
}
