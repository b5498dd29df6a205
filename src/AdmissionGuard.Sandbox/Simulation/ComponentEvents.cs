using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The Events a simulated component records, as client-go's recorders write them and core/v1 reads them back: named
/// <c>{object}.{unix nanoseconds in hex}</c>, a message longer than 1,024 characters cut as upstream cuts it. Through
/// events.k8s.io/v1 (<see cref="EventsApi.EventsV1"/>, kube-scheduler): <c>eventTime</c>, <c>action</c>,
/// <c>reportingComponent</c> and <c>reportingInstance</c>, no <c>source</c>, <c>count</c> or timestamps, and the same
/// event again becomes a series on the first one. Through the legacy recorder (<see cref="EventsApi.CoreV1"/>, the
/// controller manager's controllers): <c>source.component</c>, <c>firstTimestamp</c>, <c>lastTimestamp</c> and
/// <c>count</c>, the same event again counted on the first one. Either way <c>kubectl describe</c> shows one line with
/// its count. Like the recorders' correlation caches, it remembers the latest 4,096 events it may count again.
/// </summary>
internal sealed class ComponentEvents(ClusterApi api, string component, EventsApi events, ILogger logger)
{
    private const int MaxMessageLength = 1024;
    private const int Remembered = 4096;

    private static long s_lastNanoseconds;

    private readonly Dictionary<(string Uid, string Reason, string Message), string> _recorded = [];
    private readonly Queue<(string Uid, string Reason, string Message)> _order = new();

    /// <summary>The reference an event about <paramref name="metadata"/> of that kind carries.</summary>
    public static V1ObjectReference About(string apiVersion, string kind, V1ObjectMeta metadata) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        NamespaceProperty = metadata.NamespaceProperty,
        Name = metadata.Name,
        Uid = metadata.Uid,
        ResourceVersion = metadata.ResourceVersion,
    };

    public Task RecordAsync(V1Pod pod, string type, string reason, string action, string message, CancellationToken cancellationToken) =>
        RecordAsync(About("v1", "Pod", pod.Metadata), type, reason, action, message, cancellationToken);

    /// <param name="action">What the component did or failed to do (events.k8s.io only).</param>
    /// <param name="host">The node of a node's component (the kubelet): the legacy recorder's <c>source.host</c>.</param>
    public async Task RecordAsync(V1ObjectReference about, string type, string reason, string action, string message, CancellationToken cancellationToken, string? host = null)
    {
        var now = SimulationClock.Now(api.Time);
        message = message.Length > MaxMessageLength ? message[..(MaxMessageLength - 3)] + "..." : message;
        var key = (about.Uid, reason, message);
        // As client-go's recorders: an event about a cluster-scoped object (a node) is kept in default.
        var eventNamespace = string.IsNullOrEmpty(about.NamespaceProperty) ? "default" : about.NamespaceProperty;
        if (_recorded.TryGetValue(key, out var name) && api.Get<Corev1Event>(eventNamespace, name) is { } recorded)
        {
            if (events == EventsApi.EventsV1)
            {
                recorded.Series = new Corev1EventSeries { Count = (recorded.Series?.Count ?? 1) + 1, LastObservedTime = now };
            }
            else
            {
                recorded.Count = (recorded.Count ?? 1) + 1;
                recorded.LastTimestamp = now;
            }

            await Writes.TryAsync(() => api.UpdateAsync(recorded, cancellationToken: cancellationToken), component, ResourceTypes.Events, recorded.Metadata, logger);
            return;
        }

        var created = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{about.Name}.{UniqueNanoseconds():x}"),
                NamespaceProperty = eventNamespace,
            },
            InvolvedObject = about,
            Type = type,
            Reason = reason,
            Message = message,
            ReportingComponent = component,
        };
        if (events == EventsApi.EventsV1)
        {
            created.Action = action;
            created.EventTime = now;
            created.ReportingInstance = $"{component}-sandbox";
        }
        else
        {
            created.Source = new V1EventSource { Component = component, Host = host };
            created.ReportingInstance = host;
            created.FirstTimestamp = now;
            created.LastTimestamp = now;
            created.Count = 1;
        }

        if (await Writes.TryAsync(() => api.CreateAsync(created, cancellationToken: cancellationToken), component, ResourceTypes.Events, created.Metadata, logger))
        {
            Remember(key, created.Metadata.Name);
        }
    }

    /// <summary>
    /// The recorders name an event after the time in nanoseconds: on a real clock two events never share one, but the
    /// simulated clock stands still while several components record (Scheduled, then the kubelet's events, in one
    /// instant), so each name takes the next free nanosecond.
    /// </summary>
    private long UniqueNanoseconds()
    {
        var now = (api.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        while (true)
        {
            var last = Interlocked.Read(ref s_lastNanoseconds);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref s_lastNanoseconds, next, last) == last)
            {
                return next;
            }
        }
    }

    private void Remember((string Uid, string Reason, string Message) key, string name)
    {
        _recorded[key] = name;
        _order.Enqueue(key);
        while (_order.Count > Remembered)
        {
            _recorded.Remove(_order.Dequeue());
        }
    }
}

/// <summary>Which events API a component records through (the shapes differ, see <see cref="ComponentEvents"/>).</summary>
internal enum EventsApi
{
    /// <summary>events.k8s.io/v1, as kube-scheduler.</summary>
    EventsV1,

    /// <summary>The legacy core/v1 recorder, as kube-controller-manager's controllers.</summary>
    CoreV1,
}
