using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AdmissionGuard.Core.Cilium;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// How list and watch bodies are decoded. Pods, the bulk of every large cluster, are read by
/// <see cref="DecodedPodConverter"/> straight into the fields the caches keep. Every other resource goes through
/// KubernetesClient's models and JSON settings (its converters for Kubernetes' time formats) with every property the
/// caches never read dropped from the object types below, so that the decoder skips those properties instead of
/// building them: managedFields, node images, pod templates, endpoint identities. A dropped property reads as absent,
/// so the projections (<see cref="ClusterProjections"/>, <c>OwnerCaches</c>, <c>RestartEvents.Read</c>) may read only
/// the ones kept; <c>ListWatchJsonTests</c> project full objects both ways and compare. Types not listed are read whole.
/// </summary>
internal static class ListWatchJson
{
    private static readonly Dictionary<Type, HashSet<string>> Read = new()
    {
        [typeof(V1ObjectMeta)] =
        [
            "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
            "deletionTimestamp", "labels", "annotations", "ownerReferences",
        ],
        [typeof(V1OwnerReference)] = ["kind", "name", "uid", "controller"],
        [typeof(V1Node)] = ["apiVersion", "kind", "metadata", "spec"],
        [typeof(V1NodeSpec)] = ["taints"],
        [typeof(V1DaemonSetSpec)] = ["updateStrategy"],
        [typeof(V1DaemonSetStatus)] = ["desiredNumberScheduled"],
        [typeof(V1ReplicaSet)] = ["apiVersion", "kind", "metadata", "spec"],
        [typeof(V1ReplicaSetSpec)] = ["replicas"],
        [typeof(V1Deployment)] = ["apiVersion", "kind", "metadata", "spec"],
        [typeof(V1DeploymentSpec)] = ["replicas", "strategy"],
        [typeof(V1StatefulSet)] = ["apiVersion", "kind", "metadata", "spec"],
        [typeof(V1StatefulSetSpec)] = ["replicas", "updateStrategy"],
        [typeof(CiliumEndpointStatus)] = ["state", "networking"],
        [typeof(CiliumEndpointNetworking)] = ["node"],
        [typeof(Corev1Event)] = ["apiVersion", "kind", "metadata", "involvedObject", "reason", "firstTimestamp", "eventTime"],
    };

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        JsonSerializerOptions? kubernetes = null;

        // KubernetesClient hands its settings out only this way; they are copied here, never changed.
        KubernetesJson.AddJsonOptions(options => kubernetes = options);
        var options = new JsonSerializerOptions(kubernetes ?? throw new InvalidOperationException("KubernetesJson gave no options"));
        // The decoded pod types are not KubernetesClient's: the reflection resolver describes them.
        options.TypeInfoResolver = options.TypeInfoResolver is { } kubernetesTypes
            ? JsonTypeInfoResolver.Combine(kubernetesTypes.WithAddedModifier(DropUnread), new DefaultJsonTypeInfoResolver())
            : new DefaultJsonTypeInfoResolver().WithAddedModifier(DropUnread);
        options.MakeReadOnly();
        return options;
    }

    private static void DropUnread(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || !Read.TryGetValue(type.Type, out var read))
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (!read.Contains(type.Properties[i].Name))
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}
