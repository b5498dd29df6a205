using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver 1.32's validation of apps/v1 Deployments, ReplicaSets, DaemonSets and StatefulSets
/// (<c>pkg/apis/apps/validation</c>), the part a manifest gets wrong in practice: a selector that is missing, empty or
/// does not select the template's labels (the classic typo), a negative <c>replicas</c>, a template whose
/// <c>restartPolicy</c> is not <c>Always</c> or that has no containers, and, on update, a changed selector (immutable
/// in apps/v1). Values are quoted as Go's <c>%#v</c> prints them, as in upstream's messages.
/// </summary>
internal static class WorkloadRules
{
    private static readonly string[] AlwaysOnly = ["Always"];

    public static bool Applies(ResourceType type) =>
        type == ResourceTypes.Deployments || type == ResourceTypes.ReplicaSets || type == ResourceTypes.DaemonSets || type == ResourceTypes.StatefulSets;

    public static void ValidateCreate(ResourceType type, JsonObject obj, List<V1StatusCause> causes)
    {
        var spec = obj["spec"] as JsonObject;
        if (type != ResourceTypes.DaemonSets && spec?["replicas"] is JsonValue replicas && replicas.TryGetValue<long>(out var count) && count < 0)
        {
            causes.Add(ApiErrors.Cause("spec.replicas", $"Invalid value: {count}: must be greater than or equal to 0"));
        }

        var labels = (spec?["template"]?["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);
        if (Selector(spec) is not { } selector)
        {
            causes.Add(ApiErrors.Required("spec.selector"));
            causes.Add(NotSelected(labels));
        }
        else if ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            causes.Add(ApiErrors.Cause("spec.selector", $"Invalid value: {GoSelector(selector)}: empty selector is invalid for {type.Singular}"));
        }
        else
        {
            try
            {
                if (!LabelSelector.FromModel(selector).Matches(labels))
                {
                    causes.Add(NotSelected(labels));
                }
            }
            catch (FormatException e)
            {
                causes.Add(ApiErrors.Cause("spec.selector", $"Invalid value: {GoSelector(selector)}: {e.Message}"));
            }
        }

        var template = spec?["template"]?["spec"];
        if (template?["containers"] is not JsonArray { Count: > 0 })
        {
            causes.Add(ApiErrors.Required("spec.template.spec.containers"));
        }

        if ((string?)template?["restartPolicy"] is { } restartPolicy and not "Always")
        {
            causes.Add(ApiErrors.NotSupported("spec.template.spec.restartPolicy", restartPolicy, AlwaysOnly));
        }
    }

    public static void ValidateUpdate(ResourceType type, JsonObject obj, JsonObject old, List<V1StatusCause> causes)
    {
        ValidateCreate(type, obj, causes);
        var selector = Selector(obj["spec"] as JsonObject);
        if (selector is not null && !JsonNode.DeepEquals(obj["spec"]?["selector"], old["spec"]?["selector"]))
        {
            causes.Add(ApiErrors.Cause("spec.selector", $"Invalid value: {GoSelector(selector)}: field is immutable"));
        }
    }

    private static V1LabelSelector? Selector(JsonObject? spec) =>
        spec?["selector"] is JsonObject selector ? KubernetesJson.Deserialize<V1LabelSelector>(selector.ToJsonString()) : null;

    private static V1StatusCause NotSelected(Dictionary<string, string>? labels) =>
        ApiErrors.Cause("spec.template.metadata.labels", $"Invalid value: {GoSyntax.Map(labels)}: `selector` does not match template `labels`");

    private static string GoSelector(V1LabelSelector selector)
    {
        var expressions = selector.MatchExpressions is { } list
            ? $"[]v1.LabelSelectorRequirement{{{string.Join(", ", list.Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{GoSyntax.Quote(e.Key ?? "")}, Operator:{GoSyntax.Quote(e.OperatorProperty ?? "")}, Values:{GoSyntax.Strings(e.Values)}}}"))}}}"
            : "[]v1.LabelSelectorRequirement(nil)";
        return $"v1.LabelSelector{{MatchLabels:{GoSyntax.Map(selector.MatchLabels)}, MatchExpressions:{expressions}}}";
    }
}
