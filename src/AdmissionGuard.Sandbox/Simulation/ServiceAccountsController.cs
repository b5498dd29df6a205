using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-controller-manager's service account controller (<c>pkg/controller/serviceaccount</c>): every namespace that is
/// not terminating has a ServiceAccount <c>default</c>, created again when deleted, so that <c>kubectl get sa</c> and
/// <c>kubectl create token default</c> find it as on a real cluster.
/// </summary>
internal sealed class ServiceAccountsController(ClusterApi api, ILogger logger) : IController
{
    private const string DefaultAccount = "default";

    public string Name => "serviceaccount-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Namespaces, ResourceTypes.ServiceAccounts];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var ns in LiveNamespaces.Of(api))
        {
            if (api.Get<V1ServiceAccount>(ns, DefaultAccount) is not null)
            {
                continue;
            }

            var account = new V1ServiceAccount
            {
                ApiVersion = "v1",
                Kind = "ServiceAccount",
                Metadata = new V1ObjectMeta { Name = DefaultAccount, NamespaceProperty = ns },
            };
            await Writes.TryAsync(() => api.CreateAsync(account, cancellationToken: cancellationToken), Name, ResourceTypes.ServiceAccounts, account.Metadata, logger);
        }

        return null;
    }
}
