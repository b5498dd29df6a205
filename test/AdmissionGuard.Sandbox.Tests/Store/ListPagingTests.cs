using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Store;

public sealed class ListPagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Pod Pod(string name, string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        // No token volume: the writers below replace pods with this very object, which upstream refuses once one is mounted.
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }], AutomountServiceAccountToken = false },
    };

    private static async Task<ClusterApi> WithPodsAsync(int count, int historyLimit = ObjectStore.DefaultHistoryLimit)
    {
        var api = ClusterApi.CreateInMemory(historyLimit: historyLimit);
        for (var i = 0; i < count; i++)
        {
            await api.CreateAsync(Pod($"p{i:D4}"), cancellationToken: Ct);
        }

        return api;
    }

    private static IEnumerable<(string Name, long Version)> Identities(IEnumerable<StoredObject> objects) =>
        objects.Select(o => (o.Name, o.ResourceVersion));

    [Fact]
    public async Task Pages_read_the_first_pages_snapshot_whole_and_once_while_writers_change_the_list()
    {
        var api = await WithPodsAsync(600);
        var expected = Identities(api.List(ResourceTypes.Pods, "default").Items).ToList();
        var page = api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 50 });
        var pages = new List<ListResult> { page };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await api.CreateAsync(Pod($"concurrent-{i:D5}"), cancellationToken: Ct);
                await api.UpdateAsync(Pod($"p{i % 500:D4}"), cancellationToken: Ct);
            }
        }, Ct);

        for (var n = 0; page.Continue is not null; n++)
        {
            // Ahead of the cursor: a pod deleted, one created, one changed; none of it may show up.
            await api.DeleteAsync<V1Pod>("default", $"p{599 - n:D4}", cancellationToken: Ct);
            await api.CreateAsync(Pod($"p{599 - n:D4}-new"), cancellationToken: Ct);
            await api.UpdateAsync(Pod($"p{598 - n:D4}"), cancellationToken: Ct);
            page = api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 50, Continue = page.Continue });
            pages.Add(page);
        }

        await stop.CancelAsync();
        await writer;

        pages.Should().HaveCount(12);
        pages.Select(p => p.ResourceVersion).Should().AllBeEquivalentTo(pages[0].ResourceVersion);
        Identities(pages.SelectMany(p => p.Items)).Should().Equal(expected);
        pages.Take(11).Select(p => p.RemainingItemCount).Should().Equal(Enumerable.Range(1, 11).Select(k => (long?)(600 - (50 * k))));
    }

    [Fact]
    public async Task A_continue_token_older_than_the_kept_history_is_expired_with_a_token_that_continues_at_the_latest_revision()
    {
        var api = await WithPodsAsync(4, historyLimit: 3);
        var first = api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 2 });
        for (var i = 0; i < 4; i++)
        {
            await api.CreateAsync(Pod($"q{i}"), cancellationToken: Ct);
        }

        var continued = () => api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 2, Continue = first.Continue });

        var expired = continued.Should().Throw<ApiException>().Which;
        expired.Code.Should().Be(410);
        expired.Status.Reason.Should().Be("Expired");
        expired.Status.Message.Should().StartWith("The provided continue parameter is too old to display a consistent list result.");
        var rest = api.List(ResourceTypes.Pods, "default", new ListOptions { Continue = expired.Status.Metadata.ContinueProperty });
        rest.Items.Select(p => p.Name).Should().Equal("p0002", "p0003", "q0", "q1", "q2", "q3");
        rest.ResourceVersion.Should().Be(api.Store.Revision);
    }

    [Fact]
    public async Task A_namespace_page_stays_in_its_namespace_and_counts_only_what_remains_there()
    {
        var api = await WithPodsAsync(3);
        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "defaults" } }, cancellationToken: Ct);
        await api.CreateAsync(Pod("a", "defaults"), cancellationToken: Ct);
        await api.CreateAsync(Pod("z", "kube-system"), cancellationToken: Ct);

        var first = api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 2 });
        var second = api.List(ResourceTypes.Pods, "default", new ListOptions { Limit = 2, Continue = first.Continue });

        first.Items.Select(p => p.Name).Should().Equal("p0000", "p0001");
        first.RemainingItemCount.Should().Be(1);
        second.Items.Select(p => p.Name).Should().Equal("p0002");
        second.Continue.Should().BeNull();
    }
}
