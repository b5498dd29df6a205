using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Store;
using AdmissionGuard.Sandbox.Tests.Support;
using AdmissionGuard.Testing;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>The real kubectl 1.32 against the sandbox: what a user types must work and print what a cluster prints.</summary>
public sealed class KubectlFidelityTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Node
        metadata:
          name: node-1
          labels:
            node-role.kubernetes.io/worker: ""
        spec:
          taints:
          - key: node.cilium.io/agent-not-ready
            effect: NoExecute
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: gated
        spec:
          schedulingGates:
          - name: admissionguard.io/cni-ready
          containers:
          - name: app
            image: nginx
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: plain
          labels:
            app: web
        spec:
          containers:
          - name: app
            image: nginx
        """;

    [Fact]
    public async Task Create_from_yaml_validates_without_disabling_validation_and_get_prints_the_pod_table()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var created = await sandbox.Kubectl.RunAsync("create -f -", Manifests);
        var pods = await sandbox.Kubectl.RunAsync("get pods");

        created.Error.Should().BeEmpty();
        created.Output.Should().Contain("node/node-1 created").And.Contain("pod/gated created").And.Contain("pod/plain created");
        pods.Rows[0].Should().Equal("NAME", "READY", "STATUS", "RESTARTS", "AGE");
        pods.Rows.Skip(1).Select(r => r[..4]).Should().BeEquivalentTo(
            [new[] { "gated", "0/1", "SchedulingGated", "0" }, ["plain", "0/1", "Pending", "0"]]);
    }

    [Fact]
    public async Task Get_wide_shows_the_node_and_ip_columns()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        await sandbox.Kubectl.RunAsync("create -f -", Manifests);
        await sandbox.Server.Api.BindAsync(new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = "plain", NamespaceProperty = "default" },
            Target = new V1ObjectReference { Kind = "Node", Name = "node-1" },
        }, cancellationToken: TestContext.Current.CancellationToken);

        var wide = await sandbox.Kubectl.RunAsync("get pod plain -o wide");
        var nodes = await sandbox.Kubectl.RunAsync("get nodes");

        wide.Rows[0].Should().Equal("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES");
        wide.Rows[1][6].Should().Be("node-1");
        wide.Rows[1][5].Should().Be("<none>");
        nodes.Rows[0].Should().Equal("NAME", "STATUS", "ROLES", "AGE", "VERSION");
        nodes.Rows[1][..3].Should().Equal("node-1", "Unknown", "worker");
    }

    [Fact]
    public async Task Taint_label_and_annotate_change_the_stored_node()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        await sandbox.Kubectl.RunAsync("create -f -", Manifests);

        (await sandbox.Kubectl.RunAsync("taint node node-1 node.cilium.io/agent-not-ready-")).ExitCode.Should().Be(0);
        (await sandbox.Kubectl.RunAsync("taint node node-1 dedicated=infra:NoSchedule")).ExitCode.Should().Be(0);
        (await sandbox.Kubectl.RunAsync("label node node-1 zone=a")).ExitCode.Should().Be(0);
        (await sandbox.Kubectl.RunAsync("annotate node node-1 note=hello")).ExitCode.Should().Be(0);

        var node = sandbox.Server.Api.Get<V1Node>(null, "node-1")!;
        node.Spec.Taints.Should().ContainSingle().Which.Key.Should().Be("dedicated");
        node.Metadata.Labels.Should().Contain("zone", "a");
        node.Metadata.Annotations.Should().Contain("note", "hello");
    }

    [Fact]
    public async Task Delete_removes_the_pod_and_get_reports_not_found()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        await sandbox.Kubectl.RunAsync("create -f -", Manifests);

        var deleted = await sandbox.Kubectl.RunAsync("delete pod plain");
        var missing = await sandbox.Kubectl.RunAsync("get pod plain");

        deleted.Output.Should().Contain("pod \"plain\" deleted");
        missing.ExitCode.Should().NotBe(0);
        missing.Error.Should().Contain("pods \"plain\" not found");
    }

    [Fact]
    public async Task Get_cep_lists_cilium_endpoints_by_short_name()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        await sandbox.Server.Api.CreateAsync(new CiliumEndpoint
        {
            Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "default" },
            Status = new CiliumEndpointStatus { State = "ready", Networking = new CiliumEndpointNetworking { NodeIp = "10.0.0.1" } },
        }, cancellationToken: TestContext.Current.CancellationToken);

        var endpoints = await sandbox.Kubectl.RunAsync("get cep");

        endpoints.Rows.Should().HaveCount(2);
        endpoints.Rows[1][0].Should().Be("web-1");
    }

    [Fact]
    public async Task Get_cep_prints_the_columns_of_ciliums_crd_empty_where_a_field_is_missing()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        var endpoint = JsonNode.Parse("""
            {"apiVersion":"cilium.io/v2","kind":"CiliumEndpoint","metadata":{"name":"web-1","namespace":"default"},
             "status":{"id":3734,"identity":{"id":23203},"state":"ready","networking":{"addressing":[{"ipv4":"10.244.0.4"}],"node":"10.0.0.1"},
                       "policy":{"ingress":{"enforcing":false,"state":"<status disabled>"},"egress":{"enforcing":false,"state":"<status disabled>"}}}}
            """)!.AsObject();
        await sandbox.Server.Api.CreateAsync(ResourceTypes.CiliumEndpoints, "default", endpoint, cancellationToken: TestContext.Current.CancellationToken);
        var odd = JsonNode.Parse("""
            {"apiVersion":"cilium.io/v2","kind":"CiliumEndpoint","metadata":{"name":"zz-odd","namespace":"default"},
             "status":{"state":"waiting-for-identity","networking":{"addressing":[]}}}
            """)!.AsObject();
        await sandbox.Server.Api.CreateAsync(ResourceTypes.CiliumEndpoints, "default", odd, cancellationToken: TestContext.Current.CancellationToken);

        var narrow = await sandbox.Kubectl.RunAsync("get cep");
        var wide = await sandbox.Kubectl.RunAsync("get cep -o wide");

        narrow.Output.Split('\n')[0].Should().MatchRegex("^NAME +SECURITY IDENTITY +ENDPOINT STATE +IPV4 +IPV6$");
        narrow.Rows[1].Should().Equal("web-1", "23203", "ready", "10.244.0.4");
        narrow.Rows[2].Should().Equal(["zz-odd", "waiting-for-identity"], "a column whose path finds nothing (no identity, no address yet) is empty");
        wide.Output.Split('\n')[0].Should().MatchRegex(
            "^NAME +SECURITY IDENTITY +INGRESS ENFORCEMENT +EGRESS ENFORCEMENT +VISIBILITY POLICY +ENDPOINT STATE +IPV4 +IPV6$");
        wide.Output.Split('\n')[1].Should().MatchRegex("^web-1 +23203 +<status disabled> +<status disabled> +ready +10.244.0.4 *$");
    }

    [Fact]
    public async Task Unsupported_field_selector_and_bad_label_selector_are_bad_requests()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var field = await sandbox.Kubectl.RunAsync("get pods --field-selector spec.priority=1");
        var label = await sandbox.Kubectl.RunAsync("get pods -l 'app in (a'");

        field.Error.Should().Contain("BadRequest").And.Contain("field label not supported: spec.priority");
        label.Error.Should().Contain("BadRequest").And.Contain("unable to parse requirement: found '', expected: ',' or ')'");
    }

    [Fact]
    public async Task Events_are_selected_by_the_fields_kube_apiserver_offers_for_them()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        foreach (var (name, reason, component) in new[] { ("a.1", "UnmanagedPodEvicted", "admissionguard"), ("b.1", "Scheduled", "default-scheduler") })
        {
            var created = await sandbox.Kubectl.RunAsync("create -f -", $$$"""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"{{{name}}}","namespace":"default"},
                 "involvedObject":{"kind":"Pod","name":"{{{name[..1]}}}","namespace":"default","uid":"uid-{{{name[..1]}}}"},
                 "reason":"{{{reason}}}","type":"Normal","source":{"component":"{{{component}}}"}}
                """);
            created.ExitCode.Should().Be(0, created.Error);
        }

        var bySource = await sandbox.Kubectl.RunAsync("get events -A --field-selector source=admissionguard -o name");
        var byObject = await sandbox.Kubectl.RunAsync("get events --field-selector involvedObject.kind=Pod,involvedObject.uid=uid-b,reason=Scheduled,type=Normal -o name");
        var byMissing = await sandbox.Kubectl.RunAsync("get events --field-selector reportingComponent=kubelet -o name");

        bySource.Output.Trim().Should().Be("event/a.1");
        byObject.Output.Trim().Should().Be("event/b.1");
        (byMissing.ExitCode, byMissing.Output.Trim()).Should().Be((0, ""));
    }

    [Fact]
    public async Task Webhook_warnings_are_printed_on_stderr()
    {
        Kubectl.RequireInstalled();
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => TestWebhook.Allow(request, null, "node node-1 is not ready for Cilium");
        await using var sandbox = await SandboxFixture.StartAsync();
        await sandbox.Server.Api.CreateAsync(new V1ValidatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "warn" },
            Webhooks =
            [
                new V1ValidatingWebhook
                {
                    Name = "warn.test.io",
                    ClientConfig = webhook.ClientConfig("/validate"),
                    Rules = [new V1RuleWithOperations { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = ["pods"] }],
                    SideEffects = "None",
                    AdmissionReviewVersions = ["v1"],
                },
            ],
        }, cancellationToken: TestContext.Current.CancellationToken);

        var created = await sandbox.Kubectl.RunAsync("run web --image=nginx");

        created.ExitCode.Should().Be(0);
        created.Error.Should().Contain("Warning: node node-1 is not ready for Cilium");
    }
}
