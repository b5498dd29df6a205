using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Reconciler;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>Records calls; answers from per-pod queues of scripted results, else success.</summary>
internal sealed class FakePodActions : IPodActions
{
    private readonly Dictionary<string, Queue<RestartAttempt>> _restartAnswers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<GateReleaseAttempt>> _gateAnswers = new(StringComparer.Ordinal);

    public List<(string Pod, RestartMethod Method)> Restarts { get; } = [];

    public List<string> GateReleases { get; } = [];

    public void AnswerRestart(string podKey, params RestartAttempt[] answers) => _restartAnswers[podKey] = new(answers);

    public void AnswerGateRelease(string podKey, params GateReleaseAttempt[] answers) => _gateAnswers[podKey] = new(answers);

    public Task<RestartAttempt> RestartAsync(PodFacts pod, RestartMethod method, CancellationToken cancellationToken)
    {
        lock (Restarts)
        {
            Restarts.Add((pod.Key, method));
        }

        var fallback = new RestartAttempt(method == RestartMethod.Evict ? RestartResult.Evicted : RestartResult.Deleted);
        return Task.FromResult(_restartAnswers.TryGetValue(pod.Key, out var queue) && queue.TryDequeue(out var answer) ? answer : fallback);
    }

    public Task<GateReleaseAttempt> ReleaseGateAsync(PodFacts pod, CancellationToken cancellationToken)
    {
        lock (GateReleases)
        {
            GateReleases.Add(pod.Key);
        }

        var fallback = new GateReleaseAttempt(GateReleaseResult.Released);
        return Task.FromResult(_gateAnswers.TryGetValue(pod.Key, out var queue) && queue.TryDequeue(out var answer) ? answer : fallback);
    }
}
