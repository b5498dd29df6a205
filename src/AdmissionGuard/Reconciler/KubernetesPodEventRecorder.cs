using System.Globalization;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// Writes core/v1 Events, named like client-go's recorder does (object name + time in hex), at most one per object and
/// reason per <see cref="EventThrottle.Window"/>: a refusal retried every cycle must not flood the API server.
/// </summary>
internal sealed class KubernetesPodEventRecorder(
    IKubernetes client,
    TimeProvider time,
    EventThrottle throttle,
    IOptions<LeaderElectionOptions> leaderElection,
    ILogger<KubernetesPodEventRecorder> logger) : IPodEventRecorder
{
    public const string Component = "admissionguard";

    // The API server rejects longer messages.
    private const int MaxMessageLength = 1024;

    public Task RecordAsync(PodFacts pod, PodEvent podEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return RecordAsync(
            new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Name, NamespaceProperty = pod.Namespace, Uid = pod.Uid },
            pod.Namespace, podEvent, cancellationToken);
    }

    public Task RecordOnNodeAsync(string node, PodEvent nodeEvent, CancellationToken cancellationToken) =>
        // The kubelet's node events carry the node name as the UID, in namespace default: kubectl describe node finds them so.
        RecordAsync(new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = node, Uid = node }, "default", nodeEvent, cancellationToken);

    private async Task RecordAsync(V1ObjectReference involved, string eventNamespace, PodEvent podEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(podEvent);
        var now = time.GetUtcNow();
        if (!throttle.Admit($"{involved.Kind}/{involved.NamespaceProperty}/{involved.Name}/{involved.Uid}", podEvent.Reason, now))
        {
            ReconcilerLog.EventThrottled(logger, podEvent.Reason, involved.NamespaceProperty ?? "", involved.Name);
            return;
        }

        var record = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{involved.Name}.{(now - DateTimeOffset.UnixEpoch).Ticks * 100:x}"),
                NamespaceProperty = eventNamespace,
                Annotations = podEvent.Annotations is null ? null : new Dictionary<string, string>(podEvent.Annotations),
            },
            InvolvedObject = involved,
            Type = podEvent.Type,
            Reason = podEvent.Reason,
            Message = podEvent.Message.Length > MaxMessageLength ? podEvent.Message[..MaxMessageLength] : podEvent.Message,
            Source = new V1EventSource { Component = Component, Host = leaderElection.Value.Identity },
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(record, eventNamespace, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            ReconcilerLog.EventNotRecorded(logger, e, podEvent.Reason, involved.NamespaceProperty ?? "", involved.Name);
        }
    }
}
