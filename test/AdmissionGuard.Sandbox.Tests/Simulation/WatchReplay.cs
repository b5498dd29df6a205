using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Reads back what a store watch saw, for assertions about every moment of a rollout, not only its end.</summary>
internal static class WatchReplay
{
    /// <summary>Everything the watch has delivered so far: its backlog, then what arrived live.</summary>
    public static IEnumerable<StoreWatchEvent> Changes(WatchSubscription watch)
    {
        foreach (var change in watch.Backlog)
        {
            yield return change;
        }

        while (watch.Live.TryRead(out var change))
        {
            yield return change;
        }
    }

    /// <summary>The pods after each change of a pod watch, replayed onto the pods it started from (one live view: read each before the next).</summary>
    public static IEnumerable<IReadOnlyCollection<V1Pod>> PodStates(IEnumerable<V1Pod> start, WatchSubscription watch)
    {
        var pods = start.ToDictionary(p => p.Metadata.Name, StringComparer.Ordinal);
        foreach (var change in Changes(watch))
        {
            var pod = change.Item.ToModel<V1Pod>();
            if (change.Type == WatchEventType.Deleted)
            {
                pods.Remove(pod.Metadata.Name);
            }
            else
            {
                pods[pod.Metadata.Name] = pod;
            }

            yield return pods.Values;
        }
    }
}
