using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-controller-manager's root CA publisher (<c>pkg/controller/certificates/rootcacertpublisher</c>): every namespace
/// that is not terminating has a ConfigMap <c>kube-root-ca.crt</c> holding the API server's CA as <c>ca.crt</c>, the one
/// the ServiceAccount plugin's token volume projects. Created again when deleted; when its data was changed it is written
/// back whole (other keys dropped), while the annotations someone adds are kept, as upstream does.
/// </summary>
internal sealed class RootCaPublisher(ClusterApi api, string caCertificatePem, ILogger logger) : IController
{
    private const string ConfigMapName = "kube-root-ca.crt";
    private const string DescriptionAnnotation = "kubernetes.io/description";
    private const string Description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as "
        + "the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    private const string CaKey = "ca.crt";

    public string Name => "root-ca-cert-publisher";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Namespaces, ResourceTypes.ConfigMaps];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var ns in LiveNamespaces.Of(api))
        {
            var published = api.Get<V1ConfigMap>(ns, ConfigMapName);
            if (published is null)
            {
                var created = new V1ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new V1ObjectMeta
                    {
                        Name = ConfigMapName,
                        NamespaceProperty = ns,
                        Annotations = new Dictionary<string, string> { [DescriptionAnnotation] = Description },
                    },
                    Data = new Dictionary<string, string> { [CaKey] = caCertificatePem },
                };
                await Writes.TryAsync(() => api.CreateAsync(created, cancellationToken: cancellationToken), Name, ResourceTypes.ConfigMaps, created.Metadata, logger);
            }
            else if (!IsCurrent(published))
            {
                published.Data = new Dictionary<string, string> { [CaKey] = caCertificatePem };
                published.Metadata.Annotations ??= new Dictionary<string, string>();
                published.Metadata.Annotations[DescriptionAnnotation] = Description;
                await Writes.TryAsync(() => api.UpdateAsync(published, cancellationToken: cancellationToken), Name, ResourceTypes.ConfigMaps, published.Metadata, logger);
            }
        }

        return null;
    }

    /// <summary>Upstream's test: exactly the CA as data, and some description.</summary>
    private bool IsCurrent(V1ConfigMap published) =>
        published.Data is { Count: 1 } data && data.TryGetValue(CaKey, out var ca) && ca == caCertificatePem
        && published.Metadata.Annotations?.TryGetValue(DescriptionAnnotation, out var description) == true && description.Length > 0;
}
