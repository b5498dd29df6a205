using System.Collections.Concurrent;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Reconciler;

namespace AdmissionGuard.Tests.Reconciler;

internal sealed class FakeEventRecorder : IPodEventRecorder
{
    public ConcurrentQueue<(string Pod, PodEvent Event)> Events { get; } = new();

    public IEnumerable<(string Pod, string Reason)> Reasons => Events.Select(e => (e.Pod, e.Event.Reason));

    public Task RecordAsync(PodFacts pod, PodEvent podEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue((pod.Key, podEvent));
        return Task.CompletedTask;
    }

    public Task RecordOnNodeAsync(string node, PodEvent nodeEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(($"node/{node}", nodeEvent));
        return Task.CompletedTask;
    }
}
