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
    public async Task Readyz_verbose_lists_each_check_and_a_single_check_or_an_unknown_one_answers_as_kube_apiserver()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var verbose = await sandbox.Kubectl.RunAsync("get --raw /readyz?verbose&exclude=etcd&exclude=nothing");
        var quiet = await sandbox.Kubectl.RunAsync("get --raw /livez");
        var one = await sandbox.Kubectl.RunAsync("get --raw /readyz/informer-sync");
        var unknown = await sandbox.Kubectl.RunAsync("get --raw /livez/nothing");

        verbose.ExitCode.Should().Be(0, verbose.Error);
        verbose.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "[+]ping ok", "[+]log ok", "[+]etcd excluded: ok", "[+]etcd-readiness ok", "[+]informer-sync ok", "[+]shutdown ok",
            "warn: some health checks cannot be excluded: no matches for \"nothing\"", "readyz check passed");
        quiet.Output.Should().Be("ok");
        one.Output.Should().Be("ok");
        unknown.ExitCode.Should().Be(1);
        unknown.Error.Should().Contain("the server could not find the requested resource");
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

    [Fact]
    public async Task Get_crd_lists_ciliums_definition_established_and_refuses_to_delete_it()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var crds = await sandbox.Kubectl.RunAsync("get crd");
        var established = await sandbox.Kubectl.RunAsync("wait --for condition=established crd/ciliumendpoints.cilium.io --timeout=5s");
        var names = await sandbox.Kubectl.RunAsync("get crd ciliumendpoints.cilium.io -o jsonpath={.spec.group}/{.spec.names.kind}/{.spec.scope}/{.status.storedVersions[0]}");
        var deleted = await sandbox.Kubectl.RunAsync("delete crd ciliumendpoints.cilium.io");

        crds.Rows[0].Should().Equal("NAME", "CREATED AT");
        crds.Rows.Skip(1).Should().ContainSingle().Which[0].Should().Be("ciliumendpoints.cilium.io");
        crds.Rows[1][1].Should().MatchRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");
        established.Output.Should().Contain("condition met", established.Error);
        names.Output.Should().Be("cilium.io/CiliumEndpoint/Namespaced/v2", names.Error);
        deleted.ExitCode.Should().NotBe(0);
        deleted.Error.Should().Contain("Forbidden").And.Contain("the sandbox serves ciliumendpoints.cilium.io itself");
        (await sandbox.Kubectl.RunAsync("get cep")).ExitCode.Should().Be(0, "the definition and its type are still there");
    }

    [Fact]
    public async Task A_new_crd_is_stored_but_not_established_and_must_be_named_after_its_plural_and_group()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Widgets = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets, singular: widget}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
            """;

        var created = await sandbox.Kubectl.RunAsync("apply -f -", Widgets);
        var status = await sandbox.Kubectl.RunAsync(
            "get crd widgets.example.com -o jsonpath={.status.conditions[1].type}={.status.conditions[1].status}/{.status.acceptedNames.listKind}");
        var misnamed = await sandbox.Kubectl.RunAsync("apply -f -", Widgets.Replace("name: widgets.example.com", "name: gadgets.example.com", StringComparison.Ordinal));

        created.Output.Should().Contain("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created", created.Error);
        status.Output.Should().Be("Established=False/WidgetList", status.Error);
        misnamed.ExitCode.Should().NotBe(0);
        misnamed.Error.Should().Contain("metadata.name").And.Contain("must be spec.names.plural+\".\"+spec.group");
    }

    [Fact]
    public async Task Applying_a_kind_whose_crd_is_not_installed_says_so_as_a_cluster_does()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Manifests = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: strict}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: serving}
            spec: {secretName: serving-tls}
            """;

        var applied = await sandbox.Kubectl.RunAsync("apply -f -", Manifests);

        applied.ExitCode.Should().NotBe(0);
        applied.Output.Should().Contain("configmap/settings created", "the kinds the cluster knows are applied");
        applied.Error.Should().Contain("no matches for kind \"Certificate\" in version \"cert-manager.io/v1\"").And.Contain("ensure CRDs are installed first");
        applied.Error.Should().NotContain("error validating data");
    }

    [Fact]
    public async Task Without_cilium_endpoints_there_is_no_crd_for_them()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync(new SandboxOptions { Simulation = new AdmissionGuard.Sandbox.Simulation.SimulationOptions { CiliumEndpoints = false } });

        var crds = await sandbox.Kubectl.RunAsync("get crd");

        crds.ExitCode.Should().Be(0, crds.Error);
        crds.Error.Should().Contain("No resources found");
    }

    [Fact]
    public async Task Unknown_fields_are_refused_by_kubectls_strict_validation_naming_each_path_and_stored_nowhere()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Typos = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labelz: {app: web}}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx, imagee: nginx:1.27}]}
            """;

        var strict = await sandbox.Kubectl.RunAsync("apply -f -", Typos);
        var afterStrict = sandbox.Server.Api.List<V1Deployment>("default");
        var warned = await sandbox.Kubectl.RunAsync("apply --validate=warn -f -", Typos);
        var stored = await sandbox.Kubectl.RunAsync("get deployment web -o json");

        strict.ExitCode.Should().NotBe(0);
        strict.Error.Should().Contain(
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"metadata.labelz\", unknown field \"spec.template.spec.containers[0].imagee\"");
        afterStrict.Should().BeEmpty("a refused object is not stored");
        warned.Output.Should().Contain("deployment.apps/web created", warned.Error);
        warned.Error.Should().Contain("Warning: unknown field \"metadata.labelz\"").And.Contain("Warning: unknown field \"spec.template.spec.containers[0].imagee\"");
        var deployment = JsonNode.Parse(stored.Output)!;
        deployment["metadata"]!["labelz"].Should().BeNull("the API server drops what its type has no field for");
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["imagee"].Should().BeNull();
        ((string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]).Should().Be("nginx");
    }

    [Fact]
    public async Task Validation_off_drops_unknown_fields_silently_and_a_bad_directive_is_a_bad_request()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Settings = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: fast}
            bogus: 1
            """;

        var ignored = await sandbox.Kubectl.RunAsync("create --validate=false -f -", Settings);
        var bad = await sandbox.Kubectl.RunAsync("create --raw /api/v1/namespaces/default/configmaps?fieldValidation=Sloppy -f -",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}""");

        ignored.Output.Should().Contain("configmap/settings created", ignored.Error);
        ignored.Error.Should().BeEmpty();
        sandbox.Server.Api.Store.Get(ResourceTypes.ConfigMaps, "default", "settings")!.ToJsonObject()["bogus"].Should().BeNull();
        bad.ExitCode.Should().NotBe(0);
        bad.Error.Should().Contain("fieldValidation: Unsupported value: \"Sloppy\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
        sandbox.Server.Api.Store.Get(ResourceTypes.ConfigMaps, "default", "other").Should().BeNull();
    }

    [Fact]
    public async Task Rbac_objects_print_the_api_servers_columns()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Rbac = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: evictor}
            rules: [{apiGroups: [""], resources: [pods/eviction], verbs: [create]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: evictor}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: evictor}
            subjects:
            - {kind: ServiceAccount, name: guard, namespace: guard-system}
            - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
            - {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
            """;

        var applied = await sandbox.Kubectl.RunAsync("apply -f -", Rbac);
        var roles = await sandbox.Kubectl.RunAsync("get clusterroles");
        var bindings = await sandbox.Kubectl.RunAsync("get clusterrolebindings -o wide");

        applied.ExitCode.Should().Be(0, applied.Error);
        roles.Rows[0].Should().Equal("NAME", "CREATED AT");
        roles.Rows[1][0].Should().Be("evictor");
        bindings.Rows[0].Should().Equal("NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS");
        bindings.Rows[1].Should().HaveCount(6);
        bindings.Rows[1][0..2].Should().Equal("evictor", "ClusterRole/evictor");
        bindings.Rows[1][3..].Should().Equal("alice", "ops", "guard-system/guard");
    }

    [Fact]
    public async Task Priority_classes_are_listed_as_on_a_cluster_and_a_pod_shows_its_defaulted_tolerations()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var classes = await sandbox.Kubectl.RunAsync("get priorityclass");
        var created = await sandbox.Kubectl.RunAsync("run web --image=nginx:1.27");
        var described = await sandbox.Kubectl.RunAsync("describe pod web");
        var missing = await sandbox.Kubectl.RunAsync("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata: {name: batch}
            spec: {priorityClassName: nightly, containers: [{name: job, image: "job:1"}]}
            """);

        classes.Rows[0].Should().Equal("NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY");
        classes.Rows.Skip(1).Select(row => (row[0], row[1], row[2], row[4])).Should().Equal(
            ("system-cluster-critical", "2000000000", "false", "PreemptLowerPriority"),
            ("system-node-critical", "2000001000", "false", "PreemptLowerPriority"));
        created.ExitCode.Should().Be(0, created.Error);
        described.Output.Should().MatchRegex("QoS Class: +BestEffort\n")
            .And.MatchRegex("Tolerations: +node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n +node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n");
        missing.ExitCode.Should().NotBe(0);
        missing.Error.Should().Contain("pods \"batch\" is forbidden: no PriorityClass with name nightly was found");
    }

    [Fact]
    public async Task Explain_prints_each_kinds_fields_with_their_types_and_descriptions()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();

        var pod = await sandbox.Kubectl.RunAsync("explain pods");
        var gates = await sandbox.Kubectl.RunAsync("explain pod.spec.schedulingGates");
        var resources = await sandbox.Kubectl.RunAsync("explain deployments.spec.template.spec.containers.resources");
        var port = await sandbox.Kubectl.RunAsync("explain svc.spec.ports.targetPort");
        var missing = await sandbox.Kubectl.RunAsync("explain pods.spec.nope");

        pod.ExitCode.Should().Be(0);
        pod.Output.Should().Contain("KIND:       Pod\nVERSION:    v1")
            .And.Contain("Pod is a collection of containers that can run on a host.")
            .And.MatchRegex(@"metadata\t<ObjectMeta>\n")
            .And.MatchRegex(@"spec\t<PodSpec>\n +Specification of the desired behavior of the pod.");
        gates.Output.Should().Contain("FIELD: schedulingGates <[]PodSchedulingGate>")
            .And.Contain("SchedulingGates is an opaque list of values that if specified will block")
            .And.MatchRegex(@"name\t<string>\n +Name of the scheduling gate.");
        resources.Output.Should().Contain("GROUP:      apps").And.Contain("KIND:       Deployment")
            .And.MatchRegex(@"limits\t<map\[string\]Quantity>").And.MatchRegex(@"claims\t<\[\]ResourceClaim>");
        port.Output.Should().Contain("FIELD: targetPort <IntOrString>");
        missing.ExitCode.Should().NotBe(0);
        missing.Error.Should().Contain("field \"nope\" does not exist");
    }

    [Fact]
    public async Task Apply_merges_containers_by_name_while_the_documents_carry_schemas()
    {
        // The schemas have no patch strategies: kubectl must keep computing its patch from its compiled-in types, which
        // merge containers by name, so a container another writer added survives an apply that does not list it.
        Kubectl.RequireInstalled();
        await using var sandbox = await SandboxFixture.StartAsync();
        const string Applied = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 0
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
            """;
        const string Sidecar = """{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy"}]}}}}""";
        await sandbox.Kubectl.RunAsync("apply -f -", Applied);
        await sandbox.Kubectl.RunAsync("patch deployment web --type=strategic --patch-file=/dev/stdin", Sidecar);

        var reapplied = await sandbox.Kubectl.RunAsync("apply -f -", Applied.Replace("nginx:1.27", "nginx:1.28", StringComparison.Ordinal));

        reapplied.ExitCode.Should().Be(0);
        reapplied.Output.Should().Contain("deployment.apps/web configured");
        sandbox.Server.Api.Get<V1Deployment>("default", "web")!.Spec.Template.Spec.Containers.Select(c => (c.Name, c.Image))
            .Should().BeEquivalentTo([("app", "nginx:1.28"), ("proxy", "envoy")]);
    }

    [Fact]
    public async Task Auth_whoami_names_the_caller_and_the_groups_its_credentials_bring()
    {
        Kubectl.RequireInstalled();
        const string Token = "0123456789abcdef";
        const string Guard = "system:serviceaccount:admissionguard-system:admissionguard";
        await using var sandbox = await SandboxFixture.StartAsync(new SandboxOptions { TokenUsers = new Dictionary<string, string> { [Token] = Guard } });
        using var kubeconfig = new TempKubeconfig();
        await sandbox.Server.WriteKubeconfigAsync(kubeconfig.Path, Token, TestContext.Current.CancellationToken);
        var cache = Directory.CreateTempSubdirectory("kubectl-cache-");
        try
        {
            var admin = await sandbox.Kubectl.RunAsync("auth whoami");
            var guard = await new Kubectl(kubeconfig.Path, cache.FullName).RunAsync("auth whoami -o json");
            var explained = await sandbox.Kubectl.RunAsync("explain selfsubjectreviews.status.userInfo");
            var listed = await sandbox.Kubectl.RunAsync("get selfsubjectreviews");

            admin.ExitCode.Should().Be(0, admin.Error);
            admin.Rows.Should().BeEquivalentTo(
                [new[] { "ATTRIBUTE", "VALUE" }, ["Username", "system:admin"], ["Groups", "[system:masters system:authenticated]"]],
                o => o.WithStrictOrdering());
            var review = JsonNode.Parse(guard.Output)!;
            ((string?)review["kind"]).Should().Be("SelfSubjectReview");
            ((string?)review["status"]!["userInfo"]!["username"]).Should().Be(Guard);
            review["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => (string?)g).Should().Equal(
                "system:serviceaccounts", "system:serviceaccounts:admissionguard-system", "system:authenticated");
            explained.Output.Should().Contain("GROUP:      authentication.k8s.io").And.Contain("FIELD: userInfo <UserInfo>");
            listed.Error.Should().Contain("Error from server (MethodNotAllowed): the server does not allow this method on the requested resource");
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
