using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// The pod subresources that talk to containers. The sandbox runs none: <c>log</c> answers an empty stream (with
/// <c>follow=true</c> held open until the pod finishes, is deleted, or the client goes), and <c>exec</c>,
/// <c>attach</c> and <c>portforward</c> answer a Status saying so. Before that, each refuses what kube-apiserver 1.32
/// and the kubelet refuse, with their messages: no container named for a pod with several, a container the pod lacks,
/// a pod bound to no node (exec, attach, portforward), a container not started yet, and <c>previous</c> for a
/// container that never restarted (log).
/// </summary>
internal static class PodStreams
{
    /// <summary>
    /// Refuses <c>exec</c>, <c>attach</c> or <c>portforward</c>: first what kube-apiserver refuses (a container the pod
    /// lacks or does not name, for exec and attach; a pod bound to no node), then, as the sandbox runs no containers, the rest.
    /// </summary>
    public static ApiException Refuse(ClusterApi api, string objectNamespace, string pod, string subresource, string container)
    {
        var model = api.Get(ResourceTypes.Pods, objectNamespace, pod).ToModel<V1Pod>();
        if (subresource != "portforward")
        {
            _ = ContainerFor(model, container);
        }

        return string.IsNullOrEmpty(model.Spec?.NodeName)
            ? new(ApiErrors.BadRequest($"pod {pod} does not have a host assigned"))
            : new(ApiErrors.BadRequest($"the sandbox runs no containers: pods/{subresource} is not supported"));
    }

    public static async Task WriteLogAsync(HttpContext context, ClusterApi api, string objectNamespace, string pod)
    {
        var type = ResourceTypes.Pods;
        using var watch = api.Watch(type, objectNamespace, new WatchOptions { FieldSelector = $"metadata.name={pod}" });
        // Read after the watch started, so no change between the two is missed.
        var current = api.Get(type, objectNamespace, pod);
        var model = current.ToModel<V1Pod>();
        var query = context.Request.Query;
        var container = ContainerFor(model, query["container"].ToString());
        // kube-apiserver asks no kubelet about a pod not bound to a node: it answers an empty stream at once.
        var scheduled = !string.IsNullOrEmpty(model.Spec?.NodeName);
        if (scheduled && KubeletRefusal(model, container, query["previous"] == "true") is { } refusal)
        {
            throw new ApiException(ApiErrors.BadRequest(refusal));
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted);
        // Headers out now: a follower waits on the body, not on the answer.
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        if (query["follow"] != "true" || !scheduled || !Running(current))
        {
            return;
        }

        await foreach (var change in watch.ReadAllAsync(context.RequestAborted))
        {
            if (change.Type == k8s.WatchEventType.Deleted || !Running(change.Item))
            {
                return;
            }
        }
    }

    /// <summary>kube-apiserver's choice of container (<c>validateContainer</c>): the one asked for, or the pod's only one.</summary>
    private static string ContainerFor(V1Pod pod, string asked)
    {
        var spec = pod.Spec ?? new V1PodSpec();
        var name = pod.Metadata.Name;
        if (asked.Length > 0)
        {
            return AllContainerNames(spec).Contains(asked, StringComparer.Ordinal)
                ? asked
                : throw new ApiException(ApiErrors.BadRequest($"container {asked} is not valid for pod {name}"));
        }

        return spec.Containers?.Count switch
        {
            1 => spec.Containers[0].Name,
            null or 0 => throw new ApiException(ApiErrors.BadRequest($"a container name must be specified for pod {name}")),
            // Go prints the names as a slice: init containers first, then the containers, then the ephemeral ones.
            _ => throw new ApiException(ApiErrors.BadRequest(
                $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', AllContainerNames(spec))}]")),
        };
    }

    private static IEnumerable<string> AllContainerNames(V1PodSpec spec) =>
        (spec.InitContainers ?? []).Select(c => c.Name)
            .Concat((spec.Containers ?? []).Select(c => c.Name))
            .Concat((spec.EphemeralContainers ?? []).Select(c => c.Name));

    /// <summary>What the kubelet answers instead of logs (<c>validateContainerLogStatus</c>), judged on the pod's status; null: logs.</summary>
    private static string? KubeletRefusal(V1Pod pod, string container, bool previous)
    {
        var status = pod.Status;
        var found = (status?.ContainerStatuses ?? []).Concat(status?.InitContainerStatuses ?? []).Concat(status?.EphemeralContainerStatuses ?? [])
            .FirstOrDefault(s => s.Name == container);
        var quoted = $"container \"{container}\" in pod \"{pod.Metadata.Name}\"";
        if (found is null)
        {
            // The kubelet reports a container it has not started yet as waiting; the sandbox's kubelet writes no
            // status until it starts the pod, so a bound pod without one is still being created.
            return status?.Phase is null or "Pending" ? $"{quoted} is waiting to start: ContainerCreating" : $"{quoted} is not available";
        }

        // In the kubelet's order: a previous instance must have left its container id; a current one is read while it
        // runs or after it ended; a container that never ran says why.
        var lastTerminated = found.LastState?.Terminated;
        var hasPrevious = !string.IsNullOrEmpty(lastTerminated?.ContainerID);
        var state = found.State;
        if (previous)
        {
            return hasPrevious ? null : $"previous terminated {quoted} not found";
        }

        if (state?.Running is not null)
        {
            return null;
        }

        if (state?.Terminated is { } terminated)
        {
            return !string.IsNullOrEmpty(terminated.ContainerID) || hasPrevious ? null : $"{quoted} is terminated";
        }

        if (lastTerminated is not null)
        {
            return hasPrevious ? null : $"{quoted} is terminated";
        }

        return state?.Waiting is { } waiting
            ? waiting.Reason switch
            {
                "ErrImagePull" => $"{quoted} is waiting to start: image can't be pulled",
                "ImagePullBackOff" => $"{quoted} is waiting to start: trying and failing to pull image",
                var reason => $"{quoted} is waiting to start: {reason}",
            }
            : $"{quoted} is waiting to start - no logs yet";
    }

    private static bool Running(StoredObject pod) => pod.Fields["status.phase"] is not ("Succeeded" or "Failed");
}
