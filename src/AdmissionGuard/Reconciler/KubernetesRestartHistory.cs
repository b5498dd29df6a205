using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Healing;
using k8s.Models;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// Reads the guard's own restart Events back (field selector <c>source</c>, every namespace, in pages), decoded as the
/// caches' lists are: a new leader's first cycle pays for the few fields <see cref="RestartEvents.Read"/> reads, not for
/// KubernetesClient's whole Event model.
/// </summary>
internal sealed class KubernetesRestartHistory(IListWatchClient<Corev1Event> events) : IRestartHistory
{
    private const int PageSize = 500;

    public async Task<IReadOnlyList<RecordedRestart>> ReadAsync(CancellationToken cancellationToken)
    {
        var restarts = new List<RecordedRestart>();
        string? continueToken = null;
        do
        {
            var page = await events.ListAsync(PageSize, continueToken, cancellationToken);
            restarts.AddRange(page.Items.Select(RestartEvents.Read).OfType<RecordedRestart>());
            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return restarts;
    }
}
