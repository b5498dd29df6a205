using AdmissionGuard.Cluster.Informers;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>
/// Every change to every pod from the moment it starts, in the API server's order (one list, then a watch from
/// its resourceVersion): what the scenarios replay to check invariants that a poll could miss, such as "never fewer
/// than N Ready" or "never two evicted pods of one controller waiting for replacements".
/// </summary>
internal sealed class PodTimeline : IAsyncDisposable
{
    private readonly List<PodState> _initial;
    private readonly List<(WatchEventType Type, PodState Pod)> _changes = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    private PodTimeline(IListWatchClient<V1Pod> pods, ListPage<V1Pod> initial)
    {
        _initial = [.. initial.Items.Select(PodState.From)];
        _watch = Task.Run(() => WatchAsync(pods, initial.ResourceVersion));
    }

    public static async Task<PodTimeline> StartAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        // Whole pods, as the scenarios' observer sees them: not through the guard's own pod decoder.
        var pods = new KubernetesListWatchClient<V1Pod, V1PodList>(client, "pods", "api/v1/pods");
        // One page: the scenarios' clusters are small.
        return new PodTimeline(pods, await pods.ListAsync(10_000, null, cancellationToken));
    }

    /// <summary>The pods before the first change, then after each change.</summary>
    public IEnumerable<IReadOnlyDictionary<string, PodState>> States()
    {
        List<(WatchEventType Type, PodState Pod)> changes;
        lock (_gate)
        {
            changes = [.. _changes];
        }

        var pods = _initial.ToDictionary(p => p.Uid, StringComparer.Ordinal);
        yield return pods;
        foreach (var (type, pod) in changes)
        {
            if (type == WatchEventType.Deleted)
            {
                pods.Remove(pod.Uid);
            }
            else
            {
                pods[pod.Uid] = pod;
            }

            yield return pods;
        }
    }

    /// <summary>The fewest pods matching <paramref name="member"/> that were Ready at any moment recorded.</summary>
    public int MinimumReady(Func<PodState, bool> member) =>
        States().Min(pods => pods.Values.Count(p => member(p) && p.Ready));

    /// <summary>
    /// Per owner (controller uid), the most pods that were ever gone at once among <paramref name="restarted"/>
    /// without a pod of that owner created since having started Running in their place.
    /// </summary>
    public IReadOnlyDictionary<string, int> MostRestartsInFlightPerOwner(IReadOnlySet<string> restarted)
    {
        List<(WatchEventType Type, PodState Pod)> changes;
        lock (_gate)
        {
            changes = [.. _changes];
        }

        var existing = _initial.Select(p => p.Uid).ToHashSet(StringComparer.Ordinal);
        var replacedBy = new HashSet<string>(StringComparer.Ordinal);
        var inFlight = new Dictionary<string, int>(StringComparer.Ordinal);
        var most = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (type, pod) in changes)
        {
            if (pod.OwnerUid is not { } owner)
            {
                continue;
            }

            if (type == WatchEventType.Deleted && restarted.Contains(pod.Uid))
            {
                inFlight[owner] = inFlight.GetValueOrDefault(owner) + 1;
                most[owner] = Math.Max(most.GetValueOrDefault(owner), inFlight[owner]);
            }
            else if (type != WatchEventType.Deleted && !existing.Contains(pod.Uid) && pod.Phase == "Running" && replacedBy.Add(pod.Uid))
            {
                inFlight[owner] = Math.Max(0, inFlight.GetValueOrDefault(owner) - 1);
            }
        }

        return most;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }

    private async Task WatchAsync(IListWatchClient<V1Pod> pods, string resourceVersion)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await foreach (var (type, pod) in await pods.WatchAsync(resourceVersion, TimeSpan.FromMinutes(5), _stop.Token))
                {
                    resourceVersion = pod.Metadata.ResourceVersion;
                    if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    {
                        lock (_gate)
                        {
                            _changes.Add((type, PodState.From(pod)));
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
