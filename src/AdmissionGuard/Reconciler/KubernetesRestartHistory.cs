using AdmissionGuard.Core.Healing;
using k8s;

namespace AdmissionGuard.Reconciler;

/// <summary>Reads the guard's own restart Events back (field selector <c>source</c>, every namespace, in pages).</summary>
internal sealed class KubernetesRestartHistory(IKubernetes client) : IRestartHistory
{
    private const int PageSize = 500;

    public async Task<IReadOnlyList<RecordedRestart>> ReadAsync(CancellationToken cancellationToken)
    {
        var restarts = new List<RecordedRestart>();
        string? continueToken = null;
        do
        {
            var page = await client.CoreV1.ListEventForAllNamespacesAsync(
                fieldSelector: $"source={KubernetesPodEventRecorder.Component}", limit: PageSize, continueParameter: continueToken,
                cancellationToken: cancellationToken);
            restarts.AddRange(page.Items.Select(RestartEvents.Read).OfType<RecordedRestart>());
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return restarts;
    }
}
