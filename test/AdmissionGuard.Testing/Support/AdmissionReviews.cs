using System.Text.Json.Nodes;

namespace AdmissionGuard.Tests.Support;

/// <summary>Raw AdmissionReview requests, shaped as kube-apiserver sends them.</summary>
internal static class AdmissionReviews
{
    /// <summary>The Binding's metadata.uid in <see cref="BindingCreate"/>: the uid of the pod being bound.</summary>
    public const string BoundPodUid = "0c3f5a88-1111-4222-8333-444455556666";

    public static string PodCreate(JsonObject pod, string uid = "705ab4f5-6393-11e8-b7cc-42010a800002", string? podNamespace = null, bool dryRun = false, string operation = "CREATE")
    {
        var ns = podNamespace ?? pod["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
        var podJson = pod.DeepClone();
        if (podJson["metadata"]?["namespace"] is not null)
        {
            // The apiserver fills metadata.namespace from the request before admission.
            podJson["metadata"]!["namespace"] = ns;
        }

        return Review(uid, new JsonObject
        {
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["requestKind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["requestResource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = ns,
            ["operation"] = operation,
            ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:daemon-set-controller" },
            ["object"] = podJson,
            ["oldObject"] = null,
            ["dryRun"] = dryRun,
            ["options"] = new JsonObject { ["apiVersion"] = "meta.k8s.io/v1", ["kind"] = "CreateOptions" },
        });
    }

    public static string BindingCreate(string podNamespace, string pod, string node, string uid = "b1a2c3d4-0000-4000-8000-000000000001", string podUid = BoundPodUid) =>
        Review(uid, new JsonObject
        {
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Binding" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["subResource"] = "binding",
            ["name"] = pod,
            ["namespace"] = podNamespace,
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject { ["username"] = "system:kube-scheduler" },
            ["object"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Binding",
                ["metadata"] = new JsonObject { ["name"] = pod, ["namespace"] = podNamespace, ["uid"] = podUid },
                ["target"] = new JsonObject { ["kind"] = "Node", ["name"] = node },
            },
            ["dryRun"] = false,
        });

    public static string ConfigMapCreate(string uid = "c0ffee00-0000-4000-8000-000000000002") =>
        Review(uid, new JsonObject
        {
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "ConfigMap" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "configmaps" },
            ["namespace"] = "default",
            ["operation"] = "CREATE",
            ["object"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "c" } },
        });

    private static string Review(string uid, JsonObject request)
    {
        request["uid"] = uid;
        return new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = request,
        }.ToJsonString();
    }
}
