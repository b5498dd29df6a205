using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The Events a simulated component records about pods, as client-go's events.k8s.io/v1 recorder writes them and
/// core/v1 reads them back: <c>eventTime</c>, <c>action</c>, <c>reportingComponent</c> and <c>reportingInstance</c>
/// set, no <c>source</c>, <c>count</c> or timestamps; named <c>{pod}.{unix nanoseconds in hex}</c>; a message longer
/// than 1,024 characters cut as upstream cuts it. The same event again for the same pod becomes a series on the first
/// one (<c>series.count</c>, <c>series.lastObservedTime</c>), as the recorder's deduplication does, so that
/// <c>kubectl describe pod</c> shows one line with its count.
/// </summary>
internal sealed class ComponentEvents(ClusterApi api, string component, ILogger logger)
{
    private const int MaxMessageLength = 1024;

    private readonly Dictionary<(string Uid, string Reason, string Message), string> _recorded = [];

    public async Task RecordAsync(V1Pod pod, string type, string reason, string action, string message, CancellationToken cancellationToken)
    {
        var now = SimulationClock.Now(api.Time);
        message = message.Length > MaxMessageLength ? message[..(MaxMessageLength - 3)] + "..." : message;
        var key = (pod.Metadata.Uid, reason, message);
        if (_recorded.TryGetValue(key, out var name) && api.Get<Corev1Event>(pod.Metadata.NamespaceProperty, name) is { } recorded)
        {
            recorded.Series = new Corev1EventSeries { Count = (recorded.Series?.Count ?? 1) + 1, LastObservedTime = now };
            await Writes.TryAsync(() => api.UpdateAsync(recorded, cancellationToken: cancellationToken), component, ResourceTypes.Events, recorded.Metadata, logger);
            return;
        }

        var created = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{pod.Metadata.Name}.{(api.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100:x}"),
                NamespaceProperty = pod.Metadata.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Pod",
                NamespaceProperty = pod.Metadata.NamespaceProperty,
                Name = pod.Metadata.Name,
                Uid = pod.Metadata.Uid,
                ResourceVersion = pod.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Action = action,
            Message = message,
            EventTime = now,
            ReportingComponent = component,
            ReportingInstance = $"{component}-sandbox",
        };
        if (await Writes.TryAsync(() => api.CreateAsync(created, cancellationToken: cancellationToken), component, ResourceTypes.Events, created.Metadata, logger))
        {
            _recorded[key] = created.Metadata.Name;
        }
    }

    /// <summary>Forgets the events of pods no longer in <paramref name="live"/> (their uids).</summary>
    public void Prune(IReadOnlySet<string> live)
    {
        foreach (var key in _recorded.Keys.Where(k => !live.Contains(k.Uid)).ToList())
        {
            _recorded.Remove(key);
        }
    }
}
