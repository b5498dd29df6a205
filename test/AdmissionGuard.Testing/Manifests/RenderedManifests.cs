using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Manifests.CustomResources;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

/// <summary>
/// The objects `kubectl kustomize` produced, as KubernetesClient models. Built-in kinds are read strictly,
/// so a misspelled or misplaced field fails the test instead of being dropped silently.
/// </summary>
internal sealed partial class RenderedManifests(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
{
    private static readonly Dictionary<string, Type> CustomResourceTypes = new()
    {
        ["cert-manager.io/v1/Certificate"] = typeof(Certificate),
        ["cert-manager.io/v1/Issuer"] = typeof(Issuer),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
    };

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects => objects;

    public static RenderedManifests Parse(string yaml)
    {
        var parsed = new List<IKubernetesObject<V1ObjectMeta>>();
        foreach (var document in DocumentSeparator().Split(yaml).Where(d => !string.IsNullOrWhiteSpace(d)))
        {
            var typeKey = $"{TopLevelField("apiVersion", document)}/{TopLevelField("kind", document)}";
            var isCustomResource = CustomResourceTypes.ContainsKey(typeKey);
            var loaded = KubernetesYaml.LoadAllFromString(document, CustomResourceTypes, strict: !isCustomResource);
            parsed.AddRange(loaded.Cast<IKubernetesObject<V1ObjectMeta>>());
        }

        return new RenderedManifests(parsed);
    }

    public IEnumerable<T> All<T>()
        where T : IKubernetesObject<V1ObjectMeta> => objects.OfType<T>();

    public T Single<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().Where(o => o.Metadata.Name == name).Should().ContainSingle($"one {typeof(T).Name} named {name}").Subject;

    public string Describe() =>
        string.Join(", ", objects.Select(o => $"{o.Kind}/{o.Metadata.NamespaceProperty}/{o.Metadata.Name}"));

    private static string TopLevelField(string field, string document)
    {
        var match = Regex.Match(document, $"^{field}: *(\\S+)", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : "";
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
