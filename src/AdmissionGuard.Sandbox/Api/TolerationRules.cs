using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Labels;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver 1.32's <c>ValidateTolerations</c> for a pod's <c>spec.tolerations</c>: a toleration the scheduler and
/// the taint manager would read differently from what its author meant (operator <c>Foo</c>, an empty key with
/// <c>Equal</c>) is refused with 422 instead of being stored and matching nothing.
/// </summary>
internal static class TolerationRules
{
    private static readonly string[] Operators = ["Equal", "Exists"];
    private static readonly string[] Effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public static void Validate(JsonNode? tolerations, List<V1StatusCause> causes)
    {
        if (tolerations is not JsonArray list)
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"spec.tolerations[{i}]");
            var toleration = list[i] as JsonObject;
            var (key, op, value, effect) = (Text(toleration, "key"), Text(toleration, "operator"), Text(toleration, "value"), Text(toleration, "effect"));
            if (key.Length > 0)
            {
                causes.AddRange(LabelSyntax.QualifiedNameErrors(key).Select(error => ApiErrors.InvalidValue($"{path}.key", key, error)));
            }

            if (key.Length == 0 && op != "Exists")
            {
                causes.Add(ApiErrors.InvalidValue($"{path}.operator", op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }

            if (toleration?["tolerationSeconds"] is not null && effect != "NoExecute")
            {
                causes.Add(ApiErrors.InvalidValue($"{path}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }

            switch (op)
            {
                case "Equal" or "":
                    // kube-apiserver joins the value's reasons into one cause, under the operator's path.
                    if (string.Join(";", LabelSyntax.LabelValueErrors(value)) is { Length: > 0 } errors)
                    {
                        causes.Add(ApiErrors.InvalidValue($"{path}.operator", value, errors));
                    }

                    break;
                case "Exists" when value.Length > 0:
                    // kube-apiserver quotes the whole toleration here, as Go prints it (%#v; a set tolerationSeconds shows
                    // as its address there, its value here).
                    var seconds = toleration?["tolerationSeconds"]?.ToJsonString() ?? "nil";
                    causes.Add(ApiErrors.Cause($"{path}.operator",
                        $"Invalid value: core.Toleration{{Key:\"{key}\", Operator:\"Exists\", Value:\"{value}\", Effect:\"{effect}\", TolerationSeconds:(*int64)({seconds})}}: value must be empty when `operator` is 'Exists'"));
                    break;
                case "Exists":
                    break;
                default:
                    causes.Add(ApiErrors.NotSupported($"{path}.operator", op, Operators));
                    break;
            }

            if (effect.Length > 0 && !Effects.Contains(effect))
            {
                causes.Add(ApiErrors.NotSupported($"{path}.effect", effect, Effects));
            }
        }
    }

    private static string Text(JsonObject? toleration, string field) =>
        toleration?[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
