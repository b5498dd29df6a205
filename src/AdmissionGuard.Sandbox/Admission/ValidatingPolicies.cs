using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cel;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// ValidatingAdmissionPolicies as kube-apiserver 1.32 applies them, after the mutating webhooks and before the
/// validating ones: every ValidatingAdmissionPolicyBinding whose policy matches the request (the policy's
/// <c>matchConstraints</c>, then the binding's <c>matchResources</c>, then the policy's <c>matchConditions</c>) runs
/// the policy's <c>validations</c> in CEL (<see cref="CelProgram"/>) over <c>object</c>, <c>oldObject</c>,
/// <c>request</c>, <c>namespaceObject</c> and the policy's <c>variables</c>. A failed validation denies
/// (<c>Deny</c>: 422 for the default reason Invalid, <c>ValidatingAdmissionPolicy 'p' with binding 'b' denied request: message</c>),
/// warns (<c>Warn</c>) or is only audited (<c>Audit</c>, which the sandbox does not log); an expression that errs
/// follows the policy's <c>failurePolicy</c> (default Fail). Not modelled: parameters (<c>paramKind</c>: such a
/// policy fails by its failurePolicy, saying so), <c>auditAnnotations</c>, type checking into <c>status</c>.
/// Policies never apply to policies, bindings or webhook configurations.
/// </summary>
internal sealed class ValidatingPolicies(ObjectStore store, ILogger logger)
{
    public static readonly IReadOnlySet<string> Variables =
        new HashSet<string>(StringComparer.Ordinal) { "object", "oldObject", "request", "params", "namespaceObject", "authorizer", "variables" };

    private static readonly CelEvaluationException NoAuthorizer =
        new("the sandbox does not authorize requests (RBAC objects are stored, not enforced), so authorizer checks cannot be evaluated");

    private static readonly ResourceType[] NeverValidated =
    [
        ResourceTypes.ValidatingAdmissionPolicies, ResourceTypes.ValidatingAdmissionPolicyBindings,
        ResourceTypes.MutatingWebhookConfigurations, ResourceTypes.ValidatingWebhookConfigurations,
    ];

    /// <summary>Applies every matching binding: throws the first denial, records the warnings.</summary>
    public void Validate(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (NeverValidated.Contains(request.Resource))
        {
            return;
        }

        var policies = store.Snapshot(ResourceTypes.ValidatingAdmissionPolicies)
            .ToDictionary(p => p.Name, p => p.ToModel<V1ValidatingAdmissionPolicy>(), StringComparer.Ordinal);
        JsonObject? variables = null;
        foreach (var binding in store.Snapshot(ResourceTypes.ValidatingAdmissionPolicyBindings).Select(b => b.ToModel<V1ValidatingAdmissionPolicyBinding>()).OrderBy(b => b.Metadata.Name, StringComparer.Ordinal))
        {
            if (binding.Spec?.PolicyName is not { } policyName || !policies.TryGetValue(policyName, out var policy) || !Matches(policy, binding, request))
            {
                continue;
            }

            variables ??= AdmissionMatch.ConditionVariables(AdmissionMatch.ReviewRequest(Guid.NewGuid().ToString(), request));
            foreach (var failure in Failures(policy, binding, request, variables))
            {
                var actions = binding.Spec.ValidationActions ?? [];
                if (actions.Contains("Warn"))
                {
                    request.Context.AddWarning($"Validation failed for ValidatingAdmissionPolicy '{policy.Metadata.Name}' with binding '{binding.Metadata.Name}': {failure.Message}");
                }

                if (actions.Contains("Deny"))
                {
                    throw new ApiException(Denial(request, $"ValidatingAdmissionPolicy '{policy.Metadata.Name}' with binding '{binding.Metadata.Name}' denied request: {failure.Message}", failure.Reason));
                }
            }
        }
    }

    private bool Matches(V1ValidatingAdmissionPolicy policy, V1ValidatingAdmissionPolicyBinding binding, AdmissionRequest request)
    {
        try
        {
            return MatchesResources(policy.Spec?.MatchConstraints, request)
                && (binding.Spec.MatchResources is null || MatchesResources(binding.Spec.MatchResources, request));
        }
        catch (FormatException e)
        {
            SandboxLog.WebhookCallFailed(logger, $"ValidatingAdmissionPolicy {policy.Metadata.Name}", policy.Spec?.FailurePolicy ?? "Fail", $"invalid selector: {e.Message}");
            return false;
        }
    }

    private bool MatchesResources(V1MatchResources? resources, AdmissionRequest request) =>
        resources is not null
        && (resources.ResourceRules ?? []).Any(rule => Matches(rule, request))
        && !(resources.ExcludeResourceRules ?? []).Any(rule => Matches(rule, request))
        && AdmissionMatch.Selectors(store, resources.NamespaceSelector, resources.ObjectSelector, request);

    private static bool Matches(V1NamedRuleWithOperations rule, AdmissionRequest request) =>
        AdmissionMatch.Rule(rule.Operations, rule.ApiGroups, rule.ApiVersions, rule.Resources, rule.Scope, request)
        && (rule.ResourceNames is not { Count: > 0 } names || names.Contains(request.Name));

    /// <summary>The validations that failed, or the one failure that stands for an error under failurePolicy Fail.</summary>
    private List<(string Message, string Reason)> Failures(V1ValidatingAdmissionPolicy policy, V1ValidatingAdmissionPolicyBinding binding, AdmissionRequest request, JsonObject variables)
    {
        var spec = policy.Spec;
        var ignoreErrors = spec.FailurePolicy == "Ignore";
        if (spec.ParamKind is not null)
        {
            const string Unsupported = "the sandbox does not support policy parameters (paramKind, paramRef): test this policy on a cluster";
            SandboxLog.WebhookCallFailed(logger, $"ValidatingAdmissionPolicy {policy.Metadata.Name}", spec.FailurePolicy ?? "Fail", Unsupported);
            return ignoreErrors ? [] : [(Unsupported, "Invalid")];
        }

        var activation = Activation(request, variables, spec.Variables);
        bool Evaluate(string expression) =>
            CelProgram.Compile(expression, Variables).Evaluate(activation) is bool result ? result : throw new CelEvaluationException($"expression '{expression}' does not evaluate to a bool");
        if (AdmissionMatch.ConditionError(spec.MatchConditions, Evaluate, out var skip) is { } conditionError)
        {
            return ignoreErrors ? [] : [(conditionError, "Invalid")];
        }

        if (skip)
        {
            return [];
        }

        var failures = new List<(string Message, string Reason)>();
        foreach (var validation in spec.Validations ?? [])
        {
            try
            {
                if (!Evaluate(validation.Expression))
                {
                    failures.Add((Message(validation, activation), validation.Reason ?? "Invalid"));
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                SandboxLog.WebhookCallFailed(logger, $"ValidatingAdmissionPolicy {policy.Metadata.Name} (binding {binding.Metadata.Name})", spec.FailurePolicy ?? "Fail", e.Message);
                if (!ignoreErrors)
                {
                    failures.Add(($"expression '{validation.Expression}' resulted in error: {e.Message}", "Invalid"));
                }
            }
        }

        return failures;
    }

    private Dictionary<string, object?> Activation(AdmissionRequest request, JsonObject variables, IList<V1Variable>? declared)
    {
        var namespaceObject = request.Resource.Namespaced && request.Namespace is { } ns ? store.Get(ResourceTypes.Namespaces, null, ns)?.ToJsonObject() : null;
        var computed = new Dictionary<object, object?>(CelMap.KeyComparer);
        var activation = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = CelValues.FromJson(variables["object"]),
            ["oldObject"] = CelValues.FromJson(variables["oldObject"]),
            ["request"] = CelValues.FromJson(variables["request"]),
            ["params"] = null,
            ["namespaceObject"] = CelValues.FromJson(namespaceObject),
            ["authorizer"] = NoAuthorizer,
            ["variables"] = new CelMap(computed),
        };

        // In order, each seeing the ones before it; one that errs errs where it is read, as kube-apiserver's lazy variables do.
        foreach (var variable in declared ?? [])
        {
            try
            {
                computed[variable.Name] = CelProgram.Compile(variable.Expression, Variables).Evaluate(activation);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                computed[variable.Name] = new CelEvaluationException($"variable '{variable.Name}' resulted in error: {e.Message}");
            }
        }

        return activation;
    }

    /// <summary>The messageExpression's text when it yields a non-empty one-line string, else the message, else upstream's <c>failed expression: ...</c>.</summary>
    private static string Message(V1Validation validation, Dictionary<string, object?> activation)
    {
        if (!string.IsNullOrEmpty(validation.MessageExpression))
        {
            try
            {
                if (CelProgram.Compile(validation.MessageExpression, Variables).Evaluate(activation) is string { Length: > 0 } text && !text.Contains('\n', StringComparison.Ordinal))
                {
                    return text;
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                // Upstream falls back to the static message as well.
            }
        }

        return !string.IsNullOrEmpty(validation.Message) ? validation.Message : $"failed expression: {validation.Expression}";
    }

    /// <summary>The refusal for <paramref name="reason"/>: Invalid is 422 naming the resource (kubectl prints <c>The deployments "x" is invalid: : ...</c>), Forbidden 403.</summary>
    private static V1Status Denial(AdmissionRequest request, string message, string reason) => reason switch
    {
        "Forbidden" => ApiErrors.Forbidden(AdmissionMatch.Forbidden(request, message)),
        "Unauthorized" => Failure(401, reason, message, request),
        "RequestEntityTooLarge" => Failure(413, reason, message, request),
        _ => Failure(422, "Invalid", $"{AdmissionMatch.QualifiedResource(request)} \"{request.Name}\" is invalid: : {message}", request, message),
    };

    private static V1Status Failure(int code, string reason, string message, AdmissionRequest request, string? cause = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Status = "Failure",
        Metadata = new V1ListMeta(),
        Code = code,
        Reason = reason,
        Message = message,
        Details = new V1StatusDetails
        {
            Name = request.Name,
            Group = request.Resource.Group,
            Kind = request.Resource.Plural,
            Causes = cause is null ? null : [new V1StatusCause { Field = "", Message = cause }],
        },
    };
}
