using System.Text.Json.Nodes;

namespace AdmissionGuard.Tests.Support;

/// <summary>The seed's pods, as the apiserver hands them to admission (Fixtures/Pods/*.json).</summary>
internal static class PodFixtures
{
    /// <summary>DaemonSet pod pinned by affinity to <see cref="TestCluster.TaintedNode"/>, tolerating {Exists, NoExecute}.</summary>
    public static JsonObject EbsCsiNode() => Load("ebs-csi-node");

    /// <summary>DaemonSet pod in istio-system pinned to <see cref="TestCluster.TaintedNode"/> with blanket tolerations.</summary>
    public static JsonObject IstioCniNode() => Load("istio-cni-node");

    /// <summary>The VPC CNI: hostNetwork, so it needs no CNI.</summary>
    public static JsonObject AwsNode() => Load("aws-node");

    /// <summary>An unpinned pod, without namespace in its metadata, tolerating everything.</summary>
    public static JsonObject Web() => Load("web");

    private static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Pods", name + ".json")))!.AsObject();

    public static JsonObject PinnedTo(this JsonObject pod, string node)
    {
        pod["spec"]!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchFields"]![0]!["values"] = new JsonArray(node);
        return pod;
    }

    /// <summary>Sets <c>spec.schedulingGates</c>; null writes an explicit JSON null.</summary>
    public static JsonObject WithSchedulingGates(this JsonObject pod, params string[]? gates)
    {
        pod["spec"]!["schedulingGates"] = gates is null ? null : new JsonArray([.. gates.Select(g => (JsonNode)new JsonObject { ["name"] = g })]);
        return pod;
    }

    public static JsonObject WithNodeName(this JsonObject pod, string node)
    {
        pod["spec"]!["nodeName"] = node;
        pod["spec"]!.AsObject().Remove("affinity");
        return pod;
    }

    public static IReadOnlyList<string?> SchedulingGates(this JsonNode pod) =>
        pod["spec"]?["schedulingGates"]?.AsArray().Select(g => g?["name"]?.GetValue<string>()).ToList() ?? [];
}
