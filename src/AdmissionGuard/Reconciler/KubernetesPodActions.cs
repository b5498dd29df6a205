using System.Net;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.Reconciler;

/// <summary><see cref="IPodActions"/> over the Kubernetes API.</summary>
internal sealed class KubernetesPodActions(IKubernetes client) : IPodActions
{
    public async Task<RestartAttempt> RestartAsync(PodFacts pod, RestartMethod method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);

        // The UID precondition: a StatefulSet replacement with the same name must not be evicted in its place.
        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Uid } };
        try
        {
            if (method == RestartMethod.Delete)
            {
                await client.CoreV1.DeleteNamespacedPodAsync(pod.Name, pod.Namespace, options, cancellationToken: cancellationToken);
                return new RestartAttempt(RestartResult.Deleted);
            }

            var eviction = new V1Eviction
            {
                ApiVersion = "policy/v1",
                Kind = "Eviction",
                Metadata = new V1ObjectMeta { Name = pod.Name, NamespaceProperty = pod.Namespace },
                DeleteOptions = options,
            };
            await client.CoreV1.CreateNamespacedPodEvictionAsync(eviction, pod.Name, pod.Namespace, cancellationToken: cancellationToken);
            return new RestartAttempt(RestartResult.Evicted);
        }
        catch (HttpOperationException e)
        {
            var message = ApiMessage(e);
            return e.Response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => new RestartAttempt(RestartResult.BlockedByDisruptionBudget, message),

                // eviction.go's answer to a pod that several budgets select: a 500 that no retry can change.
                HttpStatusCode.InternalServerError when message.Contains("more than one PodDisruptionBudget", StringComparison.Ordinal)
                    => new RestartAttempt(RestartResult.BlockedByDisruptionBudget, message),
                HttpStatusCode.NotFound or HttpStatusCode.Conflict => new RestartAttempt(RestartResult.AlreadyGone, message),
                _ => new RestartAttempt(RestartResult.Failed, message),
            };
        }
        catch (HttpRequestException e)
        {
            return new RestartAttempt(RestartResult.Failed, e.Message);
        }
    }

    public async Task<GateReleaseAttempt> ReleaseGateAsync(PodFacts pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var patch = new V1Patch(GateReleasePatch.For(pod), V1Patch.PatchType.JsonPatch);
        try
        {
            await client.CoreV1.PatchNamespacedPodAsync(patch, pod.Name, pod.Namespace, cancellationToken: cancellationToken);
            return new GateReleaseAttempt(GateReleaseResult.Released);
        }
        catch (HttpOperationException e)
        {
            var message = ApiMessage(e);
            return e.Response.StatusCode switch
            {
                HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict => new GateReleaseAttempt(GateReleaseResult.Changed, message),
                HttpStatusCode.NotFound => new GateReleaseAttempt(GateReleaseResult.AlreadyGone, message),
                _ => new GateReleaseAttempt(GateReleaseResult.Failed, message),
            };
        }
        catch (HttpRequestException e)
        {
            return new GateReleaseAttempt(GateReleaseResult.Failed, e.Message);
        }
    }

    // The API server explains itself in a Status body; fall back to the HTTP reason.
    private static string ApiMessage(HttpOperationException e)
    {
        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content ?? "");
            if (!string.IsNullOrWhiteSpace(status?.Message))
            {
                // An eviction refusal names the budget and its counts only in its causes.
                var causes = status.Details?.Causes?.Select(c => c.Message).Where(m => !string.IsNullOrWhiteSpace(m) && m != status.Message).ToList() ?? [];
                return causes.Count == 0 ? status.Message : $"{status.Message} {string.Join("; ", causes)}";
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status body (a proxy's HTML page, say): the status code is all there is.
        }

        return $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}";
    }
}
