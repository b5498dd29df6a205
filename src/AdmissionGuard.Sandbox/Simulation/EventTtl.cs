using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-apiserver's <c>--event-ttl</c> (1 h by default): etcd expires an Event an hour after its last write, so a
/// long-running cluster does not keep every event it ever recorded. The last write is the latest of the event's
/// <c>lastTimestamp</c>, <c>eventTime</c>, <c>series.lastObservedTime</c> and <c>creationTimestamp</c>. Expired events
/// are deleted (watchers see DELETED, as they do when etcd's lease runs out).
/// </summary>
internal sealed class EventTtl(ClusterApi api, ILogger logger) : IController
{
    public static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    public string Name => "event-ttl";

    // Woken by the time the oldest event expires, not by every event written.
    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = api.Time.GetUtcNow();
        DateTimeOffset? next = null;
        var expired = 0;
        foreach (var stored in api.List(ResourceTypes.Events, null).Items)
        {
            var expires = LastWrite(stored.ToJsonObject()) + Ttl;
            if (expires > now)
            {
                next = next is null || expires < next ? expires : next;
                continue;
            }

            try
            {
                await api.DeleteAsync(ResourceTypes.Events, stored.Namespace, stored.Name, cancellationToken: cancellationToken);
                expired++;
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted meanwhile.
            }
        }

        if (expired > 0)
        {
            SimulationLog.EventsExpired(logger, expired, Ttl);
        }

        return next;
    }

    private static DateTimeOffset LastWrite(JsonObject evt) =>
        new[] { evt["lastTimestamp"], evt["eventTime"], evt["series"]?["lastObservedTime"], evt["metadata"]?["creationTimestamp"] }
            .Select(node => Rfc3339.TryParse((string?)node, out var time) ? time : DateTimeOffset.MinValue)
            .Max();
}
