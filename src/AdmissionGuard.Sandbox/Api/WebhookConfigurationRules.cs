using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Cel;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver 1.32's validation of a webhook configuration's <c>matchConditions</c>
/// (<c>pkg/apis/admissionregistration/validation</c>): each needs a unique name and an expression that compiles, else
/// the configuration is refused with 422 and cel-go's message (<c>compilation failed: ERROR: &lt;input&gt;:1:1: ...</c>),
/// before any request could meet it.
/// </summary>
internal static class WebhookConfigurationRules
{
    public static bool Applies(ResourceType type) =>
        type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations;

    public static void Validate(JsonObject configuration, List<V1StatusCause> causes)
    {
        if (configuration["webhooks"] is not JsonArray webhooks)
        {
            return;
        }

        for (var w = 0; w < webhooks.Count; w++)
        {
            if (webhooks[w]?["matchConditions"] is not JsonArray conditions)
            {
                continue;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var c = 0; c < conditions.Count; c++)
            {
                var path = $"webhooks[{w}].matchConditions[{c}]";
                var name = (string?)conditions[c]?["name"] ?? "";
                if (name.Length == 0)
                {
                    causes.Add(ApiErrors.Required($"{path}.name"));
                }
                else if (!names.Add(name))
                {
                    causes.Add(ApiErrors.Cause($"{path}.name", $"Duplicate value: \"{name}\"", "FieldValueDuplicate"));
                }

                var expression = (string?)conditions[c]?["expression"] ?? "";
                if (expression.Length == 0)
                {
                    causes.Add(ApiErrors.Required($"{path}.expression"));
                    continue;
                }

                try
                {
                    MatchCondition.Compile(expression);
                }
                catch (CelCompileException e)
                {
                    causes.Add(ApiErrors.InvalidValue($"{path}.expression", expression, $"compilation failed: {e.Message}"));
                }
            }
        }
    }
}
