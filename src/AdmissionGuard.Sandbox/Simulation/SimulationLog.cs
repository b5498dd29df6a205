using AdmissionGuard.Sandbox.Cilium;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>Log messages of the simulated cluster (event ids 4000-4099).</summary>
internal static partial class SimulationLog
{
    [LoggerMessage(4000, LogLevel.Warning, "Simulated {Controller} pass failed; the next pass retries")]
    public static partial void PassFailed(ILogger logger, string controller, Exception exception);

    [LoggerMessage(4001, LogLevel.Debug, "Simulated {Controller} restarts its watch of {Resource}: {Reason}")]
    public static partial void WatchRestarted(ILogger logger, string controller, string resource, string reason);

    [LoggerMessage(4002, LogLevel.Information, "Simulated cluster started ({Controllers})")]
    public static partial void Started(ILogger logger, string controllers);

    [LoggerMessage(4003, LogLevel.Information, "Simulated cluster stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(4004, LogLevel.Debug, "Simulated {Controller} lost a write race on {Resource} {Namespace}/{Name}: {Reason}")]
    public static partial void WriteConflict(ILogger logger, string controller, string resource, string? @namespace, string name, string reason);

    [LoggerMessage(4010, LogLevel.Information, "Scheduler bound pod {Namespace}/{Pod} to node {Node}")]
    public static partial void PodBound(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4011, LogLevel.Information, "Scheduler cannot place pod {Namespace}/{Pod}: {Message}")]
    public static partial void PodUnschedulable(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(4012, LogLevel.Warning, "Binding of pod {Namespace}/{Pod} to node {Node} was refused ({Code}): {Message}; retrying in {Backoff}")]
    public static partial void BindingRefused(ILogger logger, string @namespace, string pod, string node, int code, string message, TimeSpan backoff);

    [LoggerMessage(4020, LogLevel.Information, "Kubelet started pod {Namespace}/{Pod} on node {Node} with IP {PodIp}")]
    public static partial void PodStarted(ILogger logger, string @namespace, string pod, string node, string podIp);

    [LoggerMessage(4021, LogLevel.Information, "Pod {Namespace}/{Pod} on node {Node} is Ready")]
    public static partial void PodReady(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4022, LogLevel.Warning, "Pod {Namespace}/{Pod} has annotation {Annotation}='{Value}', which is not a duration such as 500ms, 5s or 1m; using the default")]
    public static partial void BadDelayAnnotation(ILogger logger, string @namespace, string pod, string annotation, string value);

    [LoggerMessage(4024, LogLevel.Information, "Kubelet stopped pod {Namespace}/{Pod} on node {Node}: it is gone")]
    public static partial void PodTerminated(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4023, LogLevel.Information, "Kubelet registered node {Node} with IP {NodeIp}")]
    public static partial void NodeRegistered(ILogger logger, string node, string nodeIp);

    [LoggerMessage(4030, LogLevel.Information, "Taint {Taint} on node {Node} evicts pod {Namespace}/{Pod}")]
    public static partial void PodEvictedByTaint(ILogger logger, string @namespace, string pod, string node, string taint);

    [LoggerMessage(4040, LogLevel.Information, "DaemonSet {Namespace}/{DaemonSet} created pod {Pod} for node {Node}")]
    public static partial void DaemonPodCreated(ILogger logger, string @namespace, string daemonSet, string pod, string node);

    [LoggerMessage(4041, LogLevel.Information, "DaemonSet {Namespace}/{DaemonSet} deleted pod {Pod} on node {Node}: {Reason}")]
    public static partial void DaemonPodDeleted(ILogger logger, string @namespace, string daemonSet, string pod, string node, string reason);

    [LoggerMessage(4042, LogLevel.Warning, "DaemonSet {Namespace}/{DaemonSet} could not create a pod for node {Node}: {Message}")]
    public static partial void DaemonPodRefused(ILogger logger, string @namespace, string daemonSet, string node, string message);

    [LoggerMessage(4043, LogLevel.Information, "{Kind} {Namespace}/{Owner} created ControllerRevision {Revision} (revision {Number})")]
    public static partial void RevisionCreated(ILogger logger, string kind, string @namespace, string owner, string revision, long number);

    [LoggerMessage(4044, LogLevel.Information, "{Kind} {Namespace}/{Owner} is back at the template of ControllerRevision {Revision}: revision {Number} renumbered {NewNumber}")]
    public static partial void RevisionRenumbered(ILogger logger, string kind, string @namespace, string owner, string revision, long number, long newNumber);

    [LoggerMessage(4045, LogLevel.Information, "{Kind} {Namespace}/{Owner} deleted ControllerRevision {Revision} (revision {Number}): beyond its revisionHistoryLimit")]
    public static partial void RevisionPruned(ILogger logger, string kind, string @namespace, string owner, string revision, long number);

    [LoggerMessage(4050, LogLevel.Information, "ReplicaSet {Namespace}/{ReplicaSet} created pod {Pod}")]
    public static partial void ReplicaPodCreated(ILogger logger, string @namespace, string replicaSet, string pod);

    [LoggerMessage(4051, LogLevel.Information, "ReplicaSet {Namespace}/{ReplicaSet} deleted surplus pod {Pod}")]
    public static partial void ReplicaPodDeleted(ILogger logger, string @namespace, string replicaSet, string pod);

    [LoggerMessage(4053, LogLevel.Warning, "ReplicaSet {Namespace}/{ReplicaSet} could not create a pod: {Message}")]
    public static partial void ReplicaPodRefused(ILogger logger, string @namespace, string replicaSet, string message);

    [LoggerMessage(4080, LogLevel.Information, "StatefulSet {Namespace}/{StatefulSet} created pod {Pod}")]
    public static partial void StatefulPodCreated(ILogger logger, string @namespace, string statefulSet, string pod);

    [LoggerMessage(4081, LogLevel.Information, "StatefulSet {Namespace}/{StatefulSet} deleted pod {Pod}")]
    public static partial void StatefulPodDeleted(ILogger logger, string @namespace, string statefulSet, string pod);

    [LoggerMessage(4082, LogLevel.Warning, "StatefulSet {Namespace}/{StatefulSet} could not create pod {Pod}: {Message}")]
    public static partial void StatefulPodRefused(ILogger logger, string @namespace, string statefulSet, string pod, string message);

    [LoggerMessage(4052, LogLevel.Information, "Deployment {Namespace}/{Deployment} created ReplicaSet {ReplicaSet}")]
    public static partial void ReplicaSetCreated(ILogger logger, string @namespace, string deployment, string replicaSet);

    [LoggerMessage(4060, LogLevel.Information, "Garbage collector deleted {Resource} {Namespace}/{Name} ({Uid}): its owner is gone")]
    public static partial void DependentCollected(ILogger logger, string resource, string? @namespace, string name, string uid);

    [LoggerMessage(4061, LogLevel.Information, "Garbage collector deleted pod {Namespace}/{Pod}: its node {Node} is gone")]
    public static partial void OrphanPodCollected(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4070, LogLevel.Information, "Cilium agent is ready on node {Node}: taint " + Cilium.CiliumTaints.AgentNotReady + " removed")]
    public static partial void CiliumTaintRemoved(ILogger logger, string node);

    [LoggerMessage(4071, LogLevel.Information, "Cilium manages pod {Namespace}/{Pod} ({Uid}) on node {Node}: CiliumEndpoint created")]
    public static partial void CiliumEndpointCreated(ILogger logger, string @namespace, string pod, string uid, string node);

    [LoggerMessage(4072, LogLevel.Information, "Pod {Namespace}/{Pod} ({Uid}) started on node {Node} before its Cilium agent was ready: Cilium does not manage it")]
    public static partial void PodUnmanagedByCilium(ILogger logger, string @namespace, string pod, string uid, string node);

    [LoggerMessage(4073, LogLevel.Information, "Cilium agent on node {Node} is scheduled but not ready: taint " + CiliumTaints.AgentNotReady + ":NoSchedule added")]
    public static partial void CiliumTaintAdded(ILogger logger, string node);

    [LoggerMessage(4074, LogLevel.Information, "Cilium agent pod {Namespace}/{Pod} on node {Node} crashed: CrashLoopBackOff until restarted")]
    public static partial void CiliumAgentCrashed(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4075, LogLevel.Information, "Cilium agent pod {Namespace}/{Pod} on node {Node} restarted its container")]
    public static partial void CiliumAgentRestarted(ILogger logger, string @namespace, string pod, string node);

    [LoggerMessage(4090, LogLevel.Information, "Job {Namespace}/{Job} created pod {Pod}")]
    public static partial void JobPodCreated(ILogger logger, string @namespace, string job, string pod);

    [LoggerMessage(4091, LogLevel.Information, "Job {Namespace}/{Job}: pod {Pod} ran to completion")]
    public static partial void JobPodSucceeded(ILogger logger, string @namespace, string job, string pod);

    [LoggerMessage(4092, LogLevel.Information, "Job {Namespace}/{Job} is complete ({Succeeded} succeeded)")]
    public static partial void JobComplete(ILogger logger, string @namespace, string job, int succeeded);

    [LoggerMessage(4100, LogLevel.Debug, "Deleted {Count} events older than the event TTL ({Ttl})")]
    public static partial void EventsExpired(ILogger logger, int count, TimeSpan ttl);
}
