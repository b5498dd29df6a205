using AdmissionGuard.Sandbox.Tests.Support;
using AdmissionGuard.Testing;

namespace AdmissionGuard.Sandbox.Tests.Admission;

/// <summary>ValidatingAdmissionPolicies and their bindings through the real kubectl, with kube-apiserver's answers.</summary>
public sealed class ValidatingPolicyTests
{
    private const string ReplicasLimit = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: replicas-limit}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
          variables:
          - name: replicas
            expression: "has(object.spec.replicas) ? object.spec.replicas : 1"
          validations:
          - expression: "variables.replicas <= 5"
            messageExpression: "'replicas must be <= 5, got ' + string(variables.replicas)"
          - expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))"
            reason: Forbidden
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: replicas-limit}
        spec: {policyName: replicas-limit, validationActions: [Deny]}
        """;

    [Fact]
    public async Task A_policy_denies_with_its_message_and_reason_and_only_warns_once_its_binding_says_Warn()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        (await kubectl.RunAsync("apply -f -", ReplicasLimit)).ExitCode.Should().Be(0);

        var tooMany = await kubectl.RunAsync("create deployment big --image=nginx --replicas=9");
        var fine = await kubectl.RunAsync("create deployment small --image=nginx --replicas=2");
        var latest = await kubectl.RunAsync("create deployment latest --image=nginx:latest");
        (await kubectl.RunAsync("apply -f -", ReplicasLimit.Replace("validationActions: [Deny]", "validationActions: [Warn]", StringComparison.Ordinal))).ExitCode.Should().Be(0);
        var warned = await kubectl.RunAsync("create deployment big --image=nginx --replicas=9");
        var listed = await kubectl.RunAsync("get validatingadmissionpolicies,validatingadmissionpolicybindings");
        var defaulted = await kubectl.RunAsync(
            "get validatingadmissionpolicy replicas-limit -o jsonpath={.spec.failurePolicy},{.spec.matchConstraints.matchPolicy},{.spec.matchConstraints.resourceRules[0].scope}");

        tooMany.ExitCode.Should().NotBe(0);
        tooMany.Error.Should().Contain(
            "deployments.apps \"big\" is invalid: : ValidatingAdmissionPolicy 'replicas-limit' with binding 'replicas-limit' denied request: replicas must be <= 5, got 9");
        fine.ExitCode.Should().Be(0);
        latest.Error.Should().Contain(
            "deployments.apps \"latest\" is forbidden: ValidatingAdmissionPolicy 'replicas-limit' with binding 'replicas-limit' denied request: failed expression: object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))");
        warned.ExitCode.Should().Be(0);
        warned.Error.Should().Contain("Warning: Validation failed for ValidatingAdmissionPolicy 'replicas-limit' with binding 'replicas-limit': replicas must be <= 5, got 9");
        listed.Output.Should().Contain("VALIDATIONS").And.Contain("PARAMKIND").And.Contain("POLICYNAME").And.Contain("<unset>");
        listed.Rows.Should().Contain(row => row[0] == "validatingadmissionpolicy.admissionregistration.k8s.io/replicas-limit" && row[1] == "2");
        defaulted.Output.Should().Be("Fail,Equivalent,*");
    }

    [Fact]
    public async Task Kubectl_scale_is_admitted_as_the_scale_subresource_with_an_autoscaling_Scale()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        (await kubectl.RunAsync("apply -f -", ReplicasLimit)).ExitCode.Should().Be(0);
        await kubectl.RunAsync("create deployment web --image=nginx --replicas=2");

        // The policy names deployments, which does not match deployments/scale: kubectl scale passes it by.
        var pastThePolicy = await kubectl.RunAsync("scale deployment web --replicas=7");
        (await kubectl.RunAsync("apply -f -", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: scale-limit}
            spec:
              matchConstraints:
                resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments/scale]}]
              validations:
              - {expression: "object.kind == 'Scale' && object.spec.replicas <= 8", message: "at most 8 replicas"}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: scale-limit}
            spec: {policyName: scale-limit, validationActions: [Deny]}
            """)).ExitCode.Should().Be(0);
        var withinTheLimit = await kubectl.RunAsync("scale deployment web --replicas=8");
        var beyondIt = await kubectl.RunAsync("scale deployment web --replicas=9");
        var replicas = await kubectl.RunAsync("get deployment web -o jsonpath={.spec.replicas}");

        pastThePolicy.ExitCode.Should().Be(0);
        withinTheLimit.ExitCode.Should().Be(0);
        beyondIt.Error.Should().Contain("ValidatingAdmissionPolicy 'scale-limit' with binding 'scale-limit' denied request: at most 8 replicas");
        replicas.Output.Should().Be("8");
    }

    private static string TeamLabel(string failurePolicy) => $$$"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: team-label}
        spec:
          failurePolicy: {{{failurePolicy}}}
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            namespaceSelector: {matchLabels: {env: prod}}
          matchConditions:
          - {name: not-exempt, expression: "object.metadata.name != 'exempt'"}
          validations:
          - {expression: "object.metadata.labels.team != '' && namespaceObject.metadata.name == 'prod'", message: "pods in prod need a team label"}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: team-label}
        spec: {policyName: team-label, validationActions: [Deny]}
        """;

    [Fact]
    public async Task Selectors_conditions_and_failure_policy_decide_where_a_policy_applies_and_what_an_error_means()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create namespace prod");
        await kubectl.RunAsync("label namespace prod env=prod");
        await kubectl.RunAsync("create namespace dev");
        (await kubectl.RunAsync("apply -f -", TeamLabel("Fail"))).ExitCode.Should().Be(0);

        var labelled = await kubectl.RunAsync("run a --image=nginx -n prod --labels=team=web");
        var wrongLabel = await kubectl.RunAsync("run b --image=nginx -n prod --labels=team=");
        var unlabelled = await kubectl.RunAsync("run c --image=nginx -n prod");
        var exempt = await kubectl.RunAsync("run exempt --image=nginx -n prod");
        var elsewhere = await kubectl.RunAsync("run d --image=nginx -n dev");
        (await kubectl.RunAsync("apply -f -", TeamLabel("Ignore"))).ExitCode.Should().Be(0);
        var ignored = await kubectl.RunAsync("run e --image=nginx -n prod");

        labelled.ExitCode.Should().Be(0);
        wrongLabel.Error.Should().Contain("denied request: pods in prod need a team label");
        // kubectl run labels the pod run=c: reading the absent team label is an error, which failurePolicy Fail turns into a denial.
        unlabelled.Error.Should().Contain("denied request: expression 'object.metadata.labels.team != '' && namespaceObject.metadata.name == 'prod'' resulted in error: no such key: team");
        exempt.ExitCode.Should().Be(0);
        elsewhere.ExitCode.Should().Be(0);
        ignored.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Policies_and_bindings_that_cannot_work_are_refused_with_upstream_s_messages()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;

        var badExpression = await kubectl.RunAsync("apply -f -", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: bad}
            spec:
              matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}
              validations: [{expression: "size(object.spec.containers) > paramz.min"}]
            """);
        var badBinding = await kubectl.RunAsync("apply -f -", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: bad}
            spec: {policyName: "", validationActions: [Deny, Warn], paramRef: {name: limits}}
            """);

        badExpression.Error.Should().Contain("spec.validations[0].expression: Invalid value: \"size(object.spec.containers) > paramz.min\": compilation failed: ERROR: <input>:1:32: undeclared reference to 'paramz'");
        badBinding.Error.Should().Contain("spec.policyName: Required value")
            .And.Contain("spec.paramRef.parameterNotFoundAction: Required value")
            .And.Contain("must not contain both Deny and Warn");
    }

    [Fact]
    public async Task A_policy_with_a_paramKind_reads_the_binding_s_parameters_and_denies_or_allows_when_there_are_none()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        (await kubectl.RunAsync("apply -f -", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: container-limit}
            spec:
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}
              validations:
              - expression: "size(object.spec.containers) <= int(params.data.maxContainers)"
                messageExpression: "'at most ' + params.data.maxContainers + ' containers'"
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: container-limit}
            spec: {policyName: container-limit, validationActions: [Deny], paramRef: {name: limits, parameterNotFoundAction: Deny}}
            """)).ExitCode.Should().Be(0);
        const string TwoContainers = """
            apiVersion: v1
            kind: Pod
            metadata: {name: pair}
            spec: {containers: [{name: a, image: nginx}, {name: b, image: busybox}]}
            """;

        var withoutParameters = await kubectl.RunAsync("run single --image=nginx");
        await kubectl.RunAsync("create configmap limits --from-literal=maxContainers=1");
        var withinTheLimit = await kubectl.RunAsync("run single --image=nginx");
        var beyondIt = await kubectl.RunAsync("apply -f -", TwoContainers);

        withoutParameters.Error.Should().Contain("denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
        withinTheLimit.ExitCode.Should().Be(0);
        beyondIt.Error.Should().Contain("ValidatingAdmissionPolicy 'container-limit' with binding 'container-limit' denied request: at most 1 containers");
    }

    [Fact]
    public async Task A_policy_limits_memory_with_quantities_and_an_expiry_window_with_timestamps()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        await ApplyDenyingPolicyAsync(kubectl, "memory-limit", "pods", """
            - expression: >-
                object.spec.containers.all(c, !has(c.resources.limits) || !('memory' in c.resources.limits)
                || quantity(c.resources.limits.memory).compareTo(quantity('1Gi')) <= 0)
              message: memory limits above 1Gi are not allowed
            - expression: >-
                !has(object.metadata.annotations) || !('expires' in object.metadata.annotations)
                || timestamp(object.metadata.annotations.expires) - timestamp('2026-01-01T00:00:00Z') < duration('720h')
              message: expires must be within 30 days of 2026-01-01
            """);

        var small = await kubectl.RunAsync("create -f -", Pod("small", memory: "1024Mi"));
        var large = await kubectl.RunAsync("create -f -", Pod("large", memory: "1.5Gi"));
        var soon = await kubectl.RunAsync("create -f -", Pod("soon", expires: "2026-01-15T00:00:00Z"));
        var late = await kubectl.RunAsync("create -f -", Pod("late", expires: "2026-03-01T00:00:00+01:00"));

        small.ExitCode.Should().Be(0, small.Error);
        large.Error.Should().Contain("ValidatingAdmissionPolicy 'memory-limit' with binding 'memory-limit' denied request: memory limits above 1Gi are not allowed");
        soon.ExitCode.Should().Be(0, soon.Error);
        late.Error.Should().Contain("denied request: expires must be within 30 days of 2026-01-01");
    }

    [Fact]
    public async Task A_policy_requires_an_https_url_with_the_url_library()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var kubectl = sandbox.Kubectl;
        await ApplyDenyingPolicyAsync(kubectl, "https-docs", "configmaps", """
            - expression: "!has(object.data) || !('docs' in object.data) || (isURL(object.data.docs) && url(object.data.docs).getScheme() == 'https')"
              message: docs must be an https URL
            """);

        var https = await kubectl.RunAsync("create configmap https --from-literal=docs=https://example.com/runbook");
        var http = await kubectl.RunAsync("create configmap http --from-literal=docs=http://example.com/runbook");
        var relative = await kubectl.RunAsync("create configmap relative --from-literal=docs=../runbook");

        https.ExitCode.Should().Be(0, https.Error);
        http.Error.Should().Contain("ValidatingAdmissionPolicy 'https-docs' with binding 'https-docs' denied request: docs must be an https URL");
        relative.Error.Should().Contain("denied request: docs must be an https URL", "isURL is false for a relative path, so url() is never reached");
    }

    /// <summary>Applies a ValidatingAdmissionPolicy on CREATE of <paramref name="resource"/>, bound with Deny.</summary>
    /// <param name="validations">The policy's validations, as YAML list items.</param>
    private static async Task ApplyDenyingPolicyAsync(Kubectl kubectl, string name, string resource, string validations)
    {
        var items = string.Join('\n', validations.Split('\n').Select(line => "  " + line));
        var applied = await kubectl.RunAsync("apply -f -", $$"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: {{name}}}
            spec:
              matchConstraints:
                resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [{{resource}}]}]
              validations:
            {{items}}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: {{name}}}
            spec: {policyName: {{name}}, validationActions: [Deny]}
            """);
        applied.ExitCode.Should().Be(0, applied.Error);
    }

    private static string Pod(string name, string? memory = null, string? expires = null) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          annotations: {{(expires is null ? "{}" : $"{{expires: '{expires}'}}")}}
        spec:
          containers:
          - name: app
            image: nginx
            resources: {{(memory is null ? "{}" : $"{{limits: {{memory: {memory}}}}}")}}
        """;
}
