using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Cel;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver 1.32's validation of dynamic admission's configuration (<c>pkg/apis/admissionregistration/validation</c>),
/// the part that decides whether an expression can ever run: every CEL expression of a webhook's
/// <c>matchConditions</c> and of a ValidatingAdmissionPolicy (validations, messageExpressions, matchConditions,
/// variables) must compile, else the object is refused with 422 and cel-go's message (<c>compilation failed: ERROR:
/// &lt;input&gt;:1:1: ...</c>) before any request could meet it; names must be there and unique; a policy needs
/// matchConstraints and at least one validation; a binding names its policy and its validationActions.
/// </summary>
internal static class AdmissionConfigurationRules
{
    private static readonly string[] FailurePolicies = ["Fail", "Ignore"];
    private static readonly string[] Reasons = ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"];
    private static readonly string[] ValidationActions = ["Deny", "Warn", "Audit"];

    public static bool Applies(ResourceType type) =>
        type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations
        || type == ResourceTypes.ValidatingAdmissionPolicies || type == ResourceTypes.ValidatingAdmissionPolicyBindings;

    /// <summary>
    /// kube-apiserver's defaults (<c>admissionregistration/v1/defaults.go</c>), which <c>kubectl get -o yaml</c> shows:
    /// failurePolicy Fail, matchPolicy Equivalent, empty namespace and object selectors, rules of scope <c>*</c>; for
    /// webhooks also timeoutSeconds 10 and (mutating) reinvocationPolicy Never.
    /// </summary>
    public static void ApplyDefaults(ResourceType type, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (type == ResourceTypes.ValidatingAdmissionPolicies && obj["spec"] is JsonObject spec)
        {
            spec["failurePolicy"] ??= "Fail";
            if (spec["matchConstraints"] is JsonObject constraints)
            {
                DefaultMatch(constraints, "resourceRules", "excludeResourceRules");
            }
        }
        else if (type == ResourceTypes.ValidatingAdmissionPolicyBindings && obj["spec"]?["matchResources"] is JsonObject resources)
        {
            DefaultMatch(resources, "resourceRules", "excludeResourceRules");
        }
        else if (type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations)
        {
            foreach (var webhook in (obj["webhooks"] as JsonArray ?? []).OfType<JsonObject>())
            {
                webhook["failurePolicy"] ??= "Fail";
                webhook["timeoutSeconds"] ??= 10;
                DefaultMatch(webhook, "rules");
                if (type == ResourceTypes.MutatingWebhookConfigurations)
                {
                    webhook["reinvocationPolicy"] ??= "Never";
                }
            }
        }
    }

    private static void DefaultMatch(JsonObject match, params string[] ruleLists)
    {
        match["matchPolicy"] ??= "Equivalent";
        match["namespaceSelector"] ??= new JsonObject();
        match["objectSelector"] ??= new JsonObject();
        foreach (var rule in ruleLists.SelectMany(list => match[list] as JsonArray ?? []).OfType<JsonObject>())
        {
            rule["scope"] ??= "*";
        }
    }

    public static void Validate(ResourceType type, JsonObject obj, List<V1StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        if (type == ResourceTypes.ValidatingAdmissionPolicies)
        {
            ValidatePolicy(obj["spec"] as JsonObject, causes);
        }
        else if (type == ResourceTypes.ValidatingAdmissionPolicyBindings)
        {
            ValidateBinding(obj["spec"] as JsonObject, causes);
        }
        else if (obj["webhooks"] is JsonArray webhooks)
        {
            for (var w = 0; w < webhooks.Count; w++)
            {
                ValidateConditions(webhooks[w]?["matchConditions"], $"webhooks[{w}].matchConditions", expression => MatchCondition.Compile(expression), causes);
            }
        }
    }

    private static void ValidatePolicy(JsonObject? spec, List<V1StatusCause> causes)
    {
        void Compile(string expression) => CelProgram.Compile(expression, ValidatingPolicies.Variables);
        if (spec?["failurePolicy"] is JsonValue failurePolicy && !FailurePolicies.Contains((string?)failurePolicy))
        {
            causes.Add(ApiErrors.NotSupported("spec.failurePolicy", (string?)failurePolicy ?? "", FailurePolicies));
        }

        if (spec?["matchConstraints"] is not JsonObject constraints)
        {
            causes.Add(ApiErrors.Required("spec.matchConstraints"));
        }
        else if (constraints["resourceRules"] is not JsonArray { Count: > 0 })
        {
            causes.Add(ApiErrors.Required("spec.matchConstraints.resourceRules"));
        }

        var validations = spec?["validations"] as JsonArray ?? [];
        if (validations.Count == 0 && spec?["auditAnnotations"] is not JsonArray { Count: > 0 })
        {
            causes.Add(ApiErrors.Cause("spec.validations", "Required value: validations or auditAnnotations must contain at least one item", "FieldValueRequired"));
        }

        for (var v = 0; v < validations.Count; v++)
        {
            var path = $"spec.validations[{v}]";
            ValidateExpression((string?)validations[v]?["expression"], $"{path}.expression", Compile, causes, required: true);
            ValidateExpression((string?)validations[v]?["messageExpression"], $"{path}.messageExpression", Compile, causes, required: false);
            if (validations[v]?["reason"] is JsonValue reason && !Reasons.Contains((string?)reason))
            {
                causes.Add(ApiErrors.NotSupported($"{path}.reason", (string?)reason ?? "", Reasons));
            }
        }

        ValidateConditions(spec?["matchConditions"], "spec.matchConditions", Compile, causes);
        var variables = spec?["variables"] as JsonArray ?? [];
        for (var v = 0; v < variables.Count; v++)
        {
            if (string.IsNullOrEmpty((string?)variables[v]?["name"]))
            {
                causes.Add(ApiErrors.Required($"spec.variables[{v}].name"));
            }

            ValidateExpression((string?)variables[v]?["expression"], $"spec.variables[{v}].expression", Compile, causes, required: true);
        }
    }

    private static void ValidateBinding(JsonObject? spec, List<V1StatusCause> causes)
    {
        if (string.IsNullOrEmpty((string?)spec?["policyName"]))
        {
            causes.Add(ApiErrors.Required("spec.policyName"));
        }

        var actions = (spec?["validationActions"] as JsonArray ?? []).Select(a => (string?)a ?? "").ToList();
        if (actions.Count == 0)
        {
            causes.Add(ApiErrors.Cause("spec.validationActions", "Required value: at least one validation action is required", "FieldValueRequired"));
        }

        for (var a = 0; a < actions.Count; a++)
        {
            if (!ValidationActions.Contains(actions[a]))
            {
                causes.Add(ApiErrors.NotSupported($"spec.validationActions[{a}]", actions[a], ValidationActions));
            }
        }

        if (spec?["paramRef"] is JsonObject reference)
        {
            var notFound = (string?)reference["parameterNotFoundAction"];
            if (string.IsNullOrEmpty(notFound))
            {
                causes.Add(ApiErrors.Required("spec.paramRef.parameterNotFoundAction"));
            }
            else if (notFound is not ("Allow" or "Deny"))
            {
                causes.Add(ApiErrors.NotSupported("spec.paramRef.parameterNotFoundAction", notFound, ["Deny", "Allow"]));
            }

            if (reference["name"] is not null && reference["selector"] is not null)
            {
                causes.Add(ApiErrors.Cause("spec.paramRef.name", "Forbidden: name and selector are mutually exclusive", "FieldValueForbidden"));
            }
        }

        if (actions.Contains("Deny") && actions.Contains("Warn"))
        {
            causes.Add(ApiErrors.Cause("spec.validationActions",
                $"Invalid value: {GoSyntax.Strings(actions)}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
        }
    }

    private static void ValidateConditions(JsonNode? conditions, string path, Action<string> compile, List<V1StatusCause> causes)
    {
        if (conditions is not JsonArray list)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < list.Count; c++)
        {
            var name = (string?)list[c]?["name"] ?? "";
            if (name.Length == 0)
            {
                causes.Add(ApiErrors.Required($"{path}[{c}].name"));
            }
            else if (!names.Add(name))
            {
                causes.Add(ApiErrors.Cause($"{path}[{c}].name", $"Duplicate value: \"{name}\"", "FieldValueDuplicate"));
            }

            ValidateExpression((string?)list[c]?["expression"], $"{path}[{c}].expression", compile, causes, required: true);
        }
    }

    private static void ValidateExpression(string? expression, string path, Action<string> compile, List<V1StatusCause> causes, bool required)
    {
        if (string.IsNullOrEmpty(expression))
        {
            if (required)
            {
                causes.Add(ApiErrors.Required(path));
            }

            return;
        }

        try
        {
            compile(expression);
        }
        catch (CelCompileException e)
        {
            causes.Add(ApiErrors.InvalidValue(path, expression, $"compilation failed: {e.Message}"));
        }
    }
}
