using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The Job controller: keeps up to <c>spec.parallelism</c> pods of a Job running until <c>spec.completions</c> of them
/// succeeded, then marks the Job complete (<c>status.succeeded</c>, <c>completionTime</c>, conditions
/// <c>SuccessCriteriaMet</c> and <c>Complete</c>). The sandbox runs no containers, so this controller also stands in
/// for them: a Job's pod exits 0 (phase Succeeded) as soon as it is Ready. Failures, backoff, indexed completion
/// and suspension are not simulated.
/// </summary>
internal sealed class JobController(ClusterApi api, ILogger logger) : IController
{
    private readonly ComponentEvents _events = new(api, "job-controller", EventsApi.CoreV1, logger);

    public string Name => "job-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Jobs, ResourceTypes.Pods];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var namespaceJobs in api.List<V1Job>().GroupBy(j => j.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(api.List<V1Pod>(namespaceJobs.Key), p => p.Metadata);
            foreach (var job in namespaceJobs.Where(j => j.Metadata.DeletionTimestamp is null && !Finished(j) && j.Spec?.Template?.Spec is not null))
            {
                var pods = owned.GetValueOrDefault(job.Metadata.Uid) ?? [];
                foreach (var pod in pods.Where(p => p.Status?.Phase == "Running" && StatusConditions.IsTrue(p.Status, "Ready")))
                {
                    await CompleteAsync(job, pod, cancellationToken);
                }

                await SyncAsync(job, pods, cancellationToken);
            }
        }

        return null;
    }

    private static bool Finished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;

    private async Task SyncAsync(V1Job job, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        var succeeded = pods.Count(p => p.Status?.Phase == "Succeeded");
        var failed = pods.Count(p => p.Status?.Phase == "Failed");
        var active = pods.Count(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed"));
        var completions = job.Spec.Completions ?? 1;
        var wanted = Math.Min(job.Spec.Parallelism ?? 1, completions - succeeded) - active;
        for (var i = 0; i < wanted; i++)
        {
            var pod = PodTemplates.NewPod(job.Spec.Template, job.Metadata.NamespaceProperty, Owners.Controller("batch/v1", "Job", job.Metadata));
            if (await Writes.TryAsync(async () => pod = await api.CreateAsync(pod, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
            {
                SimulationLog.JobPodCreated(logger, job.Metadata.NamespaceProperty, job.Metadata.Name, pod.Metadata.Name);
                await _events.PodCreatedAsync(ComponentEvents.About("batch/v1", "Job", job.Metadata), pod.Metadata.Name, cancellationToken);
                active++;
            }
        }

        var now = SimulationClock.Now(api.Time);
        var status = job.Status ?? new V1JobStatus();
        var complete = succeeded >= completions;
        var changed = status.Succeeded != succeeded || status.Active != active || status.Failed != failed || status.StartTime is null || complete;
        status.StartTime ??= now;
        status.Succeeded = succeeded;
        status.Failed = failed;
        status.Active = active;
        status.Ready = pods.Count(p => p.Status?.Phase == "Running" && StatusConditions.IsTrue(p.Status, "Ready"));
        status.Terminating = 0;
        status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
        if (complete)
        {
            status.CompletionTime = now;
            status.Conditions = [Condition("SuccessCriteriaMet", now), Condition("Complete", now)];
        }

        job.Status = status;
        if (changed && await Writes.TryAsync(() => api.UpdateStatusAsync(job, cancellationToken: cancellationToken), Name, ResourceTypes.Jobs, job.Metadata, logger) && complete)
        {
            SimulationLog.JobComplete(logger, job.Metadata.NamespaceProperty, job.Metadata.Name, succeeded);
        }
    }

    /// <summary>What the kubelet reports when every container of the pod exited 0.</summary>
    private async Task CompleteAsync(V1Job job, V1Pod pod, CancellationToken cancellationToken)
    {
        var now = SimulationClock.Now(api.Time);
        var finished = PodTemplates.Copy(pod);
        finished.Status.Phase = "Succeeded";
        StatusConditions.Set(finished.Status, "Ready", "False", now, "PodCompleted");
        StatusConditions.Set(finished.Status, "ContainersReady", "False", now, "PodCompleted");
        foreach (var container in finished.Status.ContainerStatuses ?? [])
        {
            var started = container.State?.Running?.StartedAt;
            container.Ready = false;
            container.Started = false;
            container.State = new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", StartedAt = started, FinishedAt = now, ContainerID = container.ContainerID },
            };
        }

        if (await Writes.TryAsync(() => api.UpdateStatusAsync(finished, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
        {
            pod.Status = finished.Status;
            SimulationLog.JobPodSucceeded(logger, job.Metadata.NamespaceProperty, job.Metadata.Name, pod.Metadata.Name);
        }
    }

    private static V1JobCondition Condition(string type, DateTime now) => new()
    {
        Type = type,
        Status = "True",
        Reason = "CompletionsReached",
        Message = "Reached expected number of succeeded pods",
        LastProbeTime = now,
        LastTransitionTime = now,
    };
}
