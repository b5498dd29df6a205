using System.Globalization;
using System.Threading.Channels;
using AdmissionGuard.Core;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Playground.Demo;

/// <summary>
/// Prints what happens in the sandbox as it happens, one line per meaningful change, from watches on nodes, pods,
/// CiliumEndpoints and Events (the guard's Events say what it did and why), with the time since the start.
/// It also remembers each pod's history for the summary.
/// </summary>
internal sealed class Timeline : IAsyncDisposable
{
    private const int SubjectWidth = 38;

    /// <summary>How long arrivals are collected before they are told in revision order: watches of different resources deliver independently.</summary>
    private static readonly TimeSpan Reorder = TimeSpan.FromMilliseconds(200);

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly List<WatchSubscription> _watches;
    private readonly ClusterApi _api;
    private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _pumps;
    private readonly Task _printer;
    private readonly Dictionary<string, PodHistory> _pods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taintedNodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _stopped;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Timeline(ClusterApi api, TextWriter output, TimeProvider time)
    {
        _api = api;
        _output = output;
        _time = time;
        _start = time.GetTimestamp();
        var from = new WatchOptions { ResourceVersion = api.Store.Revision.ToString(CultureInfo.InvariantCulture) };
        _watches = [.. new[] { ResourceTypes.Nodes, ResourceTypes.Pods, ResourceTypes.CiliumEndpoints, ResourceTypes.Events }.Select(t => api.Watch(t, null, from))];
        _pumps = [.. _watches.Select(w => Task.Run(() => PumpAsync(w)))];
        _printer = Task.Run(PrintAsync);
    }

    /// <summary>Starts watching everything that changes from now on.</summary>
    public static Timeline Start(ClusterApi api, TextWriter output, TimeProvider time) => new(api, output, time);

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>Every pod seen so far.</summary>
    public IReadOnlyList<PodHistory> Pods
    {
        get
        {
            lock (_gate)
            {
                return [.. _pods.Values];
            }
        }
    }

    /// <summary>A chapter of the story, told after every change made so far.</summary>
    public void Chapter(string text) => _entries.Writer.TryWrite(new Entry(_api.Store.Revision, Elapsed, null, $"== {text}"));

    /// <summary>Completes at the next change the timeline processes (or when the token fires).</summary>
    public Task NextChangeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops watching, after telling every change made so far (so <see cref="Pods"/> is complete).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await _printer;
            return;
        }

        _watches.ForEach(w => w.Dispose());
        await Task.WhenAll(_pumps);
        _entries.Writer.TryComplete();
        await _printer;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task PumpAsync(WatchSubscription watch)
    {
        try
        {
            // Ends when the watch is disposed, after every change queued before that.
            await foreach (var change in watch.ReadAllAsync())
            {
                _entries.Writer.TryWrite(new Entry(change.Item.ResourceVersion, Elapsed, change, null));
            }
        }
        catch (WatchOverflowException)
        {
            // Too far behind (100,000 changes): the story still ends on its own condition, read from the cluster.
        }
    }

    private async Task PrintAsync()
    {
        var reader = _entries.Reader;
        while (await reader.WaitToReadAsync())
        {
            await Task.Delay(Reorder, _time);
            var batch = new List<Entry>();
            while (reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            foreach (var entry in batch.OrderBy(e => e.Revision).ThenBy(e => e.Chapter is null ? 0 : 1))
            {
                Tell(entry);
            }

            TaskCompletionSource changed;
            lock (_gate)
            {
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }

    private void Tell(Entry entry)
    {
        if (entry.Chapter is { } chapter)
        {
            Write(entry.At, "", chapter);
            return;
        }

        var (type, item) = entry.Change!;
        if (item.Type == ResourceTypes.Nodes)
        {
            OnNode(entry.At, type, item.ToModel<V1Node>());
        }
        else if (item.Type == ResourceTypes.Pods)
        {
            OnPod(entry.At, type, item.ToModel<V1Pod>());
        }
        else if (item.Type == ResourceTypes.CiliumEndpoints && type == WatchEventType.Added)
        {
            Write(entry.At, $"{item.Namespace}/{item.Name}", "CiliumEndpoint created: managed by Cilium");
        }
        else if (item.Type == ResourceTypes.Events && type == WatchEventType.Added)
        {
            OnEvent(entry.At, item.ToModel<Corev1Event>());
        }
    }

    private void OnNode(TimeSpan at, WatchEventType type, V1Node node)
    {
        var name = node.Metadata.Name;
        var tainted = node.Spec?.Taints?.Any(t => t.Key == WellKnown.CiliumAgentNotReadyTaint) == true;
        bool wasTainted;
        lock (_gate)
        {
            wasTainted = _taintedNodes.Contains(name);
            if (tainted)
            {
                _taintedNodes.Add(name);
            }
            else
            {
                _taintedNodes.Remove(name);
            }
        }

        if (type == WatchEventType.Added)
        {
            Write(at, name, tainted ? $"joined, tainted {WellKnown.CiliumAgentNotReadyTaint}" : "joined");
        }
        else if (type == WatchEventType.Modified && wasTainted && !tainted)
        {
            Write(at, name, $"Cilium agent ready: taint {WellKnown.CiliumAgentNotReadyTaint} removed");
        }
    }

    private void OnPod(TimeSpan at, WatchEventType type, V1Pod pod)
    {
        if (pod.Spec?.HostNetwork == true || type == WatchEventType.Deleted)
        {
            // hostNetwork pods (the Cilium agent, aws-node) need no CNI; deletions are told by the guard's Events.
            return;
        }

        var subject = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        var gated = pod.Spec?.SchedulingGates?.Any(g => g.Name == WellKnown.SchedulingGate) == true;
        var running = pod.Status?.Phase == "Running";
        var node = pod.Spec?.NodeName;
        string? line = null;
        lock (_gate)
        {
            if (!_pods.TryGetValue(pod.Metadata.Uid, out var history))
            {
                history = new PodHistory(pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Metadata.OwnerReferences?.FirstOrDefault()?.Name);
                _pods[pod.Metadata.Uid] = history;
            }

            if (gated && !history.Gated)
            {
                history.Gated = true;
                line = $"created gated ({WellKnown.SchedulingGate}): its node's Cilium agent is not ready";
            }
            else if (!gated && history.Gated && !history.GateReleased)
            {
                // Told by the guard's SchedulingGateReleased Event.
                history.GateReleased = true;
            }
            else if (running && !history.Started)
            {
                history.Started = true;
                history.StartedBeforeCilium = node is not null && _taintedNodes.Contains(node);
                line = history.StartedBeforeCilium
                    ? $"started on {node} BEFORE Cilium was ready: unmanaged, no CiliumEndpoint"
                    : $"started on {node}";
            }
        }

        if (line is not null)
        {
            Write(at, subject, line);
        }
    }

    private void OnEvent(TimeSpan at, Corev1Event kubernetesEvent)
    {
        if (kubernetesEvent.Source?.Component != KubernetesPodEventRecorder.Component)
        {
            return;
        }

        var involved = kubernetesEvent.InvolvedObject;
        if (kubernetesEvent.Reason is PodEvent.UnmanagedPodEvicted or PodEvent.UnmanagedPodDeleted)
        {
            lock (_gate)
            {
                if (involved.Uid is { } uid && _pods.TryGetValue(uid, out var history))
                {
                    history.Restarted = true;
                }
            }
        }

        var prefix = kubernetesEvent.Type == PodEvent.Warning ? "WARNING " : "";
        Write(at, $"{involved.NamespaceProperty}/{involved.Name}", $"{prefix}{kubernetesEvent.Reason}: {kubernetesEvent.Message}");
    }

    private void Write(TimeSpan at, string subject, string text)
    {
        var seconds = at.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        lock (_output)
        {
            _output.WriteLine(subject.Length == 0
                ? $"{seconds,6}s  {text}"
                : $"{seconds,6}s  {subject.PadRight(SubjectWidth)} {text}");
        }
    }

    /// <summary>A change, or a chapter heading, with the store revision it follows and when it arrived.</summary>
    private sealed record Entry(long Revision, TimeSpan At, StoreWatchEvent? Change, string? Chapter);
}
