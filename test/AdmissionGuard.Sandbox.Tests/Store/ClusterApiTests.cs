using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Store;

public sealed class ClusterApiTests
{
    private static V1Pod Pod(string name, string ns = "default", IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
    };

    [Fact]
    public async Task A_generated_name_cuts_a_long_prefix_to_58_characters_so_that_it_fits_63()
    {
        var api = ClusterApi.CreateInMemory();
        var prefix = new string('a', 60) + "-";
        var configMap = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = prefix, NamespaceProperty = "default" } };

        var created = await api.CreateAsync(configMap, cancellationToken: TestContext.Current.CancellationToken);

        created.Metadata.Name.Should().HaveLength(63).And.StartWith(prefix[..58]).And.MatchRegex("^a{58}[b-z2-9]{5}$");
    }

    [Fact]
    public async Task Create_assigns_uid_resource_version_and_defaults()
    {
        var api = ClusterApi.CreateInMemory();

        var pod = await api.CreateAsync(Pod("web"), cancellationToken: TestContext.Current.CancellationToken);

        pod.Metadata.Uid.Should().NotBeNullOrEmpty();
        pod.Metadata.ResourceVersion.Should().Be(api.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        pod.Metadata.Generation.Should().BeNull("pods have a generation only from Kubernetes 1.33 on");
        pod.Spec.SchedulerName.Should().Be("default-scheduler");
        pod.Status.Phase.Should().Be("Pending");
    }

    [Fact]
    public async Task Only_the_kinds_whose_strategy_tracks_it_get_a_generation_counting_changes_to_more_than_metadata()
    {
        var api = ClusterApi.CreateInMemory();
        var ct = TestContext.Current.CancellationToken;

        var settings = await api.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings", NamespaceProperty = "default", Generation = 7 }, Data = new Dictionary<string, string> { ["a"] = "1" } }, cancellationToken: ct);
        settings.Data["a"] = "2";
        var changedSettings = await api.UpdateAsync(settings, cancellationToken: ct);
        var lease = await api.CreateAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "holder", NamespaceProperty = "default" }, Spec = new V1LeaseSpec { HolderIdentity = "a" } }, cancellationToken: ct);
        var budget = await api.CreateAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        }, cancellationToken: ct);
        budget.Metadata.Labels = new Dictionary<string, string> { ["team"] = "a" };
        var relabelled = await api.UpdateAsync(budget, cancellationToken: ct);
        relabelled.Spec.MaxUnavailable = 2;
        var respecified = await api.UpdateAsync(relabelled, cancellationToken: ct);

        settings.Metadata.Generation.Should().BeNull("a ConfigMap has no generation; the one sent is dropped");
        changedSettings.Metadata.Generation.Should().BeNull();
        lease.Metadata.Generation.Should().BeNull();
        budget.Metadata.Generation.Should().Be(1);
        relabelled.Metadata.Generation.Should().Be(1, "a metadata change is no new generation");
        respecified.Metadata.Generation.Should().Be(2);
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_is_a_conflict()
    {
        var api = ClusterApi.CreateInMemory();
        var created = await api.CreateAsync(Pod("web"), cancellationToken: TestContext.Current.CancellationToken);
        created.Metadata.Labels = new Dictionary<string, string> { ["a"] = "1" };
        await api.UpdateAsync(created, cancellationToken: TestContext.Current.CancellationToken);

        var stale = () => api.UpdateAsync(created, cancellationToken: TestContext.Current.CancellationToken);

        (await stale.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(409);
    }

    [Fact]
    public async Task Gated_pod_gets_the_scheduling_gated_condition_and_cannot_be_bound()
    {
        var api = ClusterApi.CreateInMemory();
        var pod = Pod("gated");
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "admissionguard.io/cni-ready" }];
        var created = await api.CreateAsync(pod, cancellationToken: TestContext.Current.CancellationToken);

        created.Status.Conditions.Should().ContainSingle(c => c.Type == "PodScheduled" && c.Reason == "SchedulingGated");
        var bind = () => api.BindAsync(new V1Binding { Metadata = new V1ObjectMeta { Name = "gated", NamespaceProperty = "default" }, Target = new V1ObjectReference { Kind = "Node", Name = "n1" } });
        (await bind.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(409);
    }

    [Fact]
    public async Task Watch_resumes_after_a_resource_version_and_expires_when_history_is_gone()
    {
        var api = ClusterApi.CreateInMemory(historyLimit: 2);
        var first = await api.CreateAsync(Pod("a"), cancellationToken: TestContext.Current.CancellationToken);
        await api.CreateAsync(Pod("b"), cancellationToken: TestContext.Current.CancellationToken);

        using (var resumed = api.Watch<V1Pod>(options: new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }))
        {
            resumed.Backlog.Select(e => (e.Type, e.Item.Name)).Should().Equal((WatchEventType.Added, "b"));
        }

        await api.CreateAsync(Pod("c"), cancellationToken: TestContext.Current.CancellationToken);
        await api.CreateAsync(Pod("d"), cancellationToken: TestContext.Current.CancellationToken);
        var tooOld = () => api.Watch<V1Pod>(options: new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion });
        tooOld.Should().Throw<ApiException>().Which.Code.Should().Be(410);
    }

    [Fact]
    public async Task List_pages_in_key_order_with_selectors()
    {
        var api = ClusterApi.CreateInMemory();
        foreach (var name in new[] { "p3", "p1", "p2", "q1" })
        {
            await api.CreateAsync(Pod(name, labels: new Dictionary<string, string> { ["app"] = name[..1] }), cancellationToken: TestContext.Current.CancellationToken);
        }

        var page1 = api.List(ResourceTypes.Pods, "default", new ListOptions { LabelSelector = "app=p", Limit = 2 });
        var page2 = api.List(ResourceTypes.Pods, "default", new ListOptions { LabelSelector = "app=p", Limit = 2, Continue = page1.Continue });

        page1.Items.Select(p => p.Name).Should().Equal("p1", "p2");
        page1.RemainingItemCount.Should().BeNull("kube-apiserver counts the remaining items only when no selector filters the list");
        page2.Items.Select(p => p.Name).Should().Equal("p3");
        page2.Continue.Should().BeNull();
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_objects_but_default_namespaces_are_protected()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } }, cancellationToken: TestContext.Current.CancellationToken);
        await api.CreateAsync(Pod("web", "team"), cancellationToken: TestContext.Current.CancellationToken);

        await api.DeleteAsync<V1Namespace>(null, "team", cancellationToken: TestContext.Current.CancellationToken);
        var deleteDefault = () => api.DeleteAsync<V1Namespace>(null, "default", cancellationToken: TestContext.Current.CancellationToken);

        api.Get<V1Pod>("team", "web").Should().BeNull();
        (await deleteDefault.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(403);
    }
}
