using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cel;
using AdmissionGuard.Sandbox.Labels;
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
/// follows the policy's <c>failurePolicy</c> (default Fail). A policy with a <c>paramKind</c> runs once per parameter
/// object its binding's <c>paramRef</c> finds (by name or selector), bound to <c>params</c>; none found is allowed or
/// denied by <c>parameterNotFoundAction</c>. Not modelled: <c>auditAnnotations</c>, type checking into <c>status</c>.
/// Policies never apply to policies, bindings or webhook configurations.
/// </summary>
internal sealed class ValidatingPolicies(ObjectStore store, ILogger logger)
{
    public static readonly IReadOnlySet<string> Variables =
        new HashSet<string>(StringComparer.Ordinal) { "object", "oldObject", "request", "params", "namespaceObject", "authorizer", "variables" };

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

        IReadOnlyDictionary<string, object?>? variables = null;
        foreach (var binding in store.Snapshot(ResourceTypes.ValidatingAdmissionPolicyBindings).Select(b => b.ToModel<V1ValidatingAdmissionPolicyBinding>()).OrderBy(b => b.Metadata.Name, StringComparer.Ordinal))
        {
            // Only bound policies are read: a policy without a binding does nothing.
            if (binding.Spec?.PolicyName is not { } policyName
                || store.Get(ResourceTypes.ValidatingAdmissionPolicies, null, policyName)?.ToModel<V1ValidatingAdmissionPolicy>() is not { } policy
                || !Matches(policy, binding, request))
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

    /// <summary>
    /// The validations that failed, or the one failure that stands for an error under failurePolicy Fail. With a
    /// <c>paramKind</c>, the validations run once per parameter object the binding's <c>paramRef</c> finds.
    /// </summary>
    private List<(string Message, string Reason)> Failures(V1ValidatingAdmissionPolicy policy, V1ValidatingAdmissionPolicyBinding binding, AdmissionRequest request, IReadOnlyDictionary<string, object?> variables)
    {
        var spec = policy.Spec;
        var ignoreErrors = spec.FailurePolicy == "Ignore";
        IReadOnlyList<JsonObject?> parameterSets = [null];
        if (spec.ParamKind is { } kind)
        {
            var (found, problem) = Parameters(kind, binding.Spec.ParamRef, request);
            if (problem is not null)
            {
                SandboxLog.WebhookCallFailed(logger, $"ValidatingAdmissionPolicy {policy.Metadata.Name} (binding {binding.Metadata.Name})", spec.FailurePolicy ?? "Fail", problem);
                return ignoreErrors ? [] : [(problem, "Invalid")];
            }

            if (found.Count == 0)
            {
                return binding.Spec.ParamRef!.ParameterNotFoundAction == "Deny"
                    ? [("failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction", "Invalid")]
                    : [];
            }

            parameterSets = found;
        }

        return [.. parameterSets.SelectMany(parameters => Failures(policy, binding, request, variables, parameters))];
    }

    private List<(string Message, string Reason)> Failures(
        V1ValidatingAdmissionPolicy policy, V1ValidatingAdmissionPolicyBinding binding, AdmissionRequest request, IReadOnlyDictionary<string, object?> variables, JsonObject? parameters)
    {
        var spec = policy.Spec;
        var ignoreErrors = spec.FailurePolicy == "Ignore";
        var activation = Activation(request, variables, parameters, spec.Variables);
        bool Evaluate(string expression) =>
            CelProgram.Compile(expression, Variables).Evaluate(activation) is bool result ? result : throw new CelEvaluationException($"expression '{expression}' does not evaluate to a bool");
        if (AdmissionMatch.ConditionError(spec.MatchConditions, Evaluate, out var skip, out _) is { } conditionError)
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

    /// <summary>
    /// The parameter objects of <paramref name="kind"/> the binding's <paramref name="reference"/> names: by name, or every
    /// one its selector matches; in the reference's namespace, else the request's, for a namespaced kind.
    /// </summary>
    private (IReadOnlyList<JsonObject?> Found, string? Problem) Parameters(V1ParamKind kind, V1ParamRef? reference, AdmissionRequest request)
    {
        var type = ResourceTypes.All.FirstOrDefault(t => t.Kind == kind.Kind && (t.Group.Length == 0 ? t.Version : $"{t.Group}/{t.Version}") == kind.ApiVersion);
        if (type is null)
        {
            return ([], $"failed to configure policy: failed to find resource referenced by paramKind: '{kind.ApiVersion}, Kind={kind.Kind}'");
        }

        if (reference is null)
        {
            return ([], "failed to configure binding: the policy has a paramKind, and the binding no paramRef");
        }

        var ns = type.Namespaced ? (string.IsNullOrEmpty(reference.NamespaceProperty) ? request.Namespace : reference.NamespaceProperty) : null;
        if (type.Namespaced && string.IsNullOrEmpty(ns))
        {
            return ([], "failed to configure binding: cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
        }

        if (!string.IsNullOrEmpty(reference.Name))
        {
            return (store.Get(type, ns, reference.Name) is { } named ? [named.ToJsonObject()] : [], null);
        }

        try
        {
            var selector = LabelSelector.FromModel(reference.Selector, nullMeansEverything: false);
            return ([.. store.Snapshot(type).Where(p => (ns is null || p.Namespace == ns) && selector.Matches(p.Labels)).Select(p => p.ToJsonObject())], null);
        }
        catch (FormatException e)
        {
            return ([], $"failed to configure binding: invalid paramRef selector: {e.Message}");
        }
    }

    private Dictionary<string, object?> Activation(AdmissionRequest request, IReadOnlyDictionary<string, object?> variables, JsonObject? parameters, IList<V1Variable>? declared)
    {
        var namespaceObject = request.Resource.Namespaced && request.Namespace is { } ns ? store.Get(ResourceTypes.Namespaces, null, ns)?.ToJsonObject() : null;
        var computed = new Dictionary<object, object?>(CelMap.KeyComparer);
        var activation = new Dictionary<string, object?>(variables, StringComparer.Ordinal)
        {
            ["params"] = CelValues.FromJson(parameters),
            ["namespaceObject"] = CelValues.FromJson(namespaceObject),
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
