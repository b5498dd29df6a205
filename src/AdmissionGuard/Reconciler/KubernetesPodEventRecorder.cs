using System.Globalization;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Reconciler;

/// <summary>Writes core/v1 Events, named like client-go's recorder does (pod name + time in hex).</summary>
internal sealed class KubernetesPodEventRecorder(
    IKubernetes client,
    TimeProvider time,
    IOptions<LeaderElectionOptions> leaderElection,
    ILogger<KubernetesPodEventRecorder> logger) : IPodEventRecorder
{
    public const string Component = "admissionguard";

    // The API server rejects longer messages.
    private const int MaxMessageLength = 1024;

    public async Task RecordAsync(PodFacts pod, PodEvent podEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(podEvent);
        var now = time.GetUtcNow();
        var record = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{pod.Name}.{(now - DateTimeOffset.UnixEpoch).Ticks * 100:x}"),
                NamespaceProperty = pod.Namespace,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Name = pod.Name,
                NamespaceProperty = pod.Namespace,
                Uid = pod.Uid,
            },
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
            await client.CoreV1.CreateNamespacedEventAsync(record, pod.Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            ReconcilerLog.EventNotRecorded(logger, e, podEvent.Reason, pod.Namespace, pod.Name);
        }
    }
}
