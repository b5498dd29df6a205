using System.Globalization;
using AdmissionGuard.Sandbox.Labels;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>What the workload controllers share: turning a pod template into a pod, and checking the selector.</summary>
internal static class PodTemplates
{
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>
    /// False when the selector does not select the template's labels (the real API rejects such workloads; the
    /// simulation skips them instead of creating pods it could never count) or is malformed.
    /// </summary>
    public static bool SelectsOwnTemplate(V1LabelSelector? selector, V1PodTemplateSpec? template)
    {
        try
        {
            return template?.Spec is not null && LabelSelector.FromModel(selector).Matches(template.Metadata?.Labels?.AsReadOnly());
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A new pod from the template, named <c>{owner}-{random}</c>, owned by <paramref name="owner"/>; the spec is a copy.</summary>
    public static V1Pod NewPod(V1PodTemplateSpec template, string objectNamespace, V1OwnerReference owner)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(owner);
        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                GenerateName = owner.Name + "-",
                NamespaceProperty = objectNamespace,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()),
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [owner],
            },
            Spec = Copy(template.Spec),
        };
    }

    /// <summary>
    /// kube-controller-manager's hash of a pod template, encoded with the alphabet of generated names: a Deployment's
    /// <c>pod-template-hash</c>, a DaemonSet's <c>controller-revision-hash</c>.
    /// </summary>
    public static string Hash(V1PodTemplateSpec template)
    {
        var hash = Fnv.Hash(KubernetesJson.Serialize(template));
        return string.Concat(hash.ToString(CultureInfo.InvariantCulture).Select(c => SafeAlphabet[c % SafeAlphabet.Length]));
    }

    public static T Copy<T>(T model) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(model));

    /// <summary>True when two statuses (or any models) serialize alike: a controller writes only what changed.</summary>
    public static bool SameJson<T>(T? left, T? right)
        where T : class =>
        left is null || right is null ? left == right : KubernetesJson.Serialize(left) == KubernetesJson.Serialize(right);
}
