using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// The pod subresources that talk to containers. The sandbox runs none: <c>log</c> answers an empty stream (with
/// <c>follow=true</c> held open until the pod finishes, is deleted, or the client goes), and <c>exec</c>,
/// <c>attach</c> and <c>portforward</c> answer a Status saying so.
/// </summary>
internal static class PodStreams
{
    public static ApiException NoContainers(string subresource) =>
        new(ApiErrors.BadRequest($"the sandbox runs no containers: pods/{subresource} is not supported"));

    public static async Task WriteLogAsync(HttpContext context, ClusterApi api, string objectNamespace, string pod)
    {
        var type = ResourceTypes.Pods;
        using var watch = api.Watch(type, objectNamespace, new WatchOptions { FieldSelector = $"metadata.name={pod}" });
        // Read after the watch started, so no change between the two is missed.
        var current = api.Get(type, objectNamespace, pod);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted);
        // Headers out now: a follower waits on the body, not on the answer.
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        if (context.Request.Query["follow"] != "true" || !Running(current))
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

    private static bool Running(StoredObject pod) => pod.Fields["status.phase"] is not ("Succeeded" or "Failed");
}
