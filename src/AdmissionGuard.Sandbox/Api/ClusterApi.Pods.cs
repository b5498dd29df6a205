using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Pod deletion and eviction, as <c>pkg/registry/core/pod</c> (strategy and storage/eviction.go) does them.</summary>
public sealed partial class ClusterApi
{
    /// <summary>Evicted pods the disruption controller has not seen go yet stop counting as healthy for this long.</summary>
    internal static readonly TimeSpan DisruptedPodTimeout = TimeSpan.FromMinutes(2);

    private const long DefaultTerminationGracePeriodSeconds = 30;

    /// <summary>
    /// POST pods/{name}/eviction: runs <c>pods/eviction</c> CREATE admission, then as upstream: a Pending, finished or
    /// already terminating pod is deleted without looking at budgets; otherwise 500 when several
    /// PodDisruptionBudgets select the pod; a pod that is not Ready goes without consuming the budget when the
    /// budget says <c>unhealthyPodEvictionPolicy: AlwaysAllow</c> or has <c>currentHealthy &gt;= desiredHealthy &gt; 0</c>;
    /// else 429 (cause DisruptionBudget) while the budget's <c>status.observedGeneration</c> lags its generation or it
    /// allows no disruption, and one disruption is consumed (the pod is listed in <c>status.disruptedPods</c>). The pod
    /// then gets condition DisruptionTarget and is deleted gracefully with the eviction's deleteOptions
    /// (<c>preconditions.uid</c>: 409 on mismatch; <c>gracePeriodSeconds</c>).
    /// </summary>
    public async Task EvictAsync(string objectNamespace, string podName, JsonObject? eviction = null, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        context ??= new RequestContext();
        var pods = ResourceTypes.Pods;
        eviction ??= new JsonObject();
        eviction["apiVersion"] = "policy/v1";
        eviction["kind"] = "Eviction";
        eviction["metadata"] ??= new JsonObject { ["name"] = podName, ["namespace"] = objectNamespace };
        var request = new AdmissionRequest(pods, "eviction", GroupVersionKind.Eviction, AdmissionOperation.Create, objectNamespace, podName, eviction, null, context);
        eviction = await MutatedAsync(request, cancellationToken);
        await admission.ValidateAsync(request with { NewObject = eviction }, cancellationToken);
        var deleteOptions = eviction["deleteOptions"] as JsonObject;
        var preconditions = deleteOptions?["preconditions"] is JsonObject given
            ? new V1Preconditions { Uid = (string?)given["uid"], ResourceVersion = (string?)given["resourceVersion"] }
            : null;
        var gracePeriod = deleteOptions?["gracePeriodSeconds"] is JsonValue seconds ? seconds.GetValue<long>() : context.GracePeriodSeconds;
        var pod = Get(pods, objectNamespace, podName);
        if (!string.IsNullOrEmpty(preconditions?.Uid) && preconditions.Uid != pod.Uid)
        {
            throw new ApiException(ApiErrors.Conflict(pods, podName,
                $"the UID in the precondition ({preconditions.Uid}) does not match the UID in record ({pod.Uid}). The object might have been deleted and then recreated"));
        }

        if (!CanIgnoreDisruptionBudget(pod))
        {
            ConsumeDisruption(pod, context.DryRun);
        }

        if (!context.DryRun)
        {
            DeletePodGracefully(pod, preconditions, gracePeriod, evicted => SetCondition(evicted, "DisruptionTarget", "True", "EvictionByEvictionAPI"));
        }
    }

    /// <summary>
    /// The pod strategy's graceful delete: the grace period is the request's, else spec.terminationGracePeriodSeconds
    /// (30 by default); 0 for a pod that is not bound or has finished. With a grace period the pod stays, with
    /// metadata.deletionTimestamp (now + grace) and deletionGracePeriodSeconds, until its kubelet removes it; a second
    /// delete may only shorten that. With 0 it is removed at once.
    /// </summary>
    private StoredObject DeletePodGracefully(StoredObject current, V1Preconditions? preconditions, long? requestedGracePeriod, Action<JsonObject>? amend = null)
    {
        var pods = ResourceTypes.Pods;
        for (var attempt = 1; ; attempt++)
        {
            var pod = current.ToJsonObject();
            var metadata = pod["metadata"]!.AsObject();
            var grace = requestedGracePeriod ?? (long?)pod["spec"]?["terminationGracePeriodSeconds"] ?? DefaultTerminationGracePeriodSeconds;
            if (current.Fields["spec.nodeName"].Length == 0 || current.Fields["status.phase"] is "Succeeded" or "Failed")
            {
                grace = 0;
            }

            if (grace <= 0)
            {
                return store.Delete(pods, current.Namespace, current.Name, ParseResourceVersion(preconditions?.ResourceVersion), preconditions?.Uid);
            }

            var deadline = time.GetUtcNow().AddSeconds(grace);
            if (metadata["deletionTimestamp"] is JsonValue existing
                && DateTimeOffset.Parse(existing.GetValue<string>(), CultureInfo.InvariantCulture) <= deadline)
            {
                return current;
            }

            if (!string.IsNullOrEmpty(preconditions?.Uid) && preconditions.Uid != current.Uid)
            {
                throw new ApiException(ApiErrors.Conflict(pods, current.Name, $"Precondition failed: UID in precondition: {preconditions.Uid}, UID in object meta: {current.Uid}"));
            }

            metadata["deletionTimestamp"] = Rfc3339.Format(deadline);
            metadata["deletionGracePeriodSeconds"] = grace;
            amend?.Invoke(pod);
            var pinned = ParseResourceVersion(preconditions?.ResourceVersion);
            try
            {
                return store.Update(pods, pod, pinned ?? current.ResourceVersion);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && pinned is null && attempt < PatchRetries)
            {
                current = Get(pods, current.Namespace, current.Name);
            }
        }
    }

    private static bool CanIgnoreDisruptionBudget(StoredObject pod) =>
        pod.Fields["status.phase"] is "Pending" or "Succeeded" or "Failed"
        || pod.ToJsonObject()["metadata"]?["deletionTimestamp"] is not null;

    private void ConsumeDisruption(StoredObject pod, bool dryRun)
    {
        var budgets = ResourceTypes.PodDisruptionBudgets;
        var ready = IsReady(pod.ToJsonObject());
        for (var attempt = 1; ; attempt++)
        {
            var matching = store.Snapshot(budgets)
                .Where(b => b.Namespace == pod.Namespace && Selects(b, pod))
                .ToList();
            if (matching.Count == 0)
            {
                return;
            }

            if (matching.Count > 1)
            {
                throw new ApiException(ApiErrors.Internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
            }

            var budget = matching[0].ToJsonObject();
            var status = budget["status"] as JsonObject ?? [];
            var desired = (int?)status["desiredHealthy"] ?? 0;
            if (!ready && ((string?)budget["spec"]?["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
                           || ((int?)status["currentHealthy"] ?? 0) >= desired && desired > 0))
            {
                // An unready pod adds nothing to the budget's healthy count: taking it away disrupts nothing.
                return;
            }

            if (((long?)status["observedGeneration"] ?? 0) < ((long?)budget["metadata"]?["generation"] ?? 0))
            {
                throw new ApiException(ApiErrors.TooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", "DisruptionBudget", 10,
                    $"The disruption budget {matching[0].Name} is still being processed by the server."));
            }

            var allowed = (int?)status["disruptionsAllowed"] ?? 0;
            if (allowed <= 0)
            {
                throw new ApiException(ApiErrors.TooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", "DisruptionBudget", null,
                    $"The disruption budget {matching[0].Name} needs {desired} healthy pods and has {(int?)status["currentHealthy"] ?? 0} currently"));
            }

            if (dryRun)
            {
                return;
            }

            status["disruptionsAllowed"] = allowed - 1;
            var disrupted = status["disruptedPods"] as JsonObject ?? [];
            disrupted[pod.Name] = Timestamp();
            status["disruptedPods"] = disrupted;
            budget["status"] = status;
            try
            {
                store.Update(budgets, budget, matching[0].ResourceVersion);
                return;
            }
            catch (ApiException e) when (e.Reason == "Conflict" && attempt < PatchRetries)
            {
            }
        }
    }

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True");
}
