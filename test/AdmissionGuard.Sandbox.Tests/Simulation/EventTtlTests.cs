using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class EventTtlTests
{
    private static Corev1Event Event(string name, DateTimeOffset lastWrite) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web", NamespaceProperty = "default" },
        Reason = "Started",
        Message = "Started container web",
        Type = "Normal",
        FirstTimestamp = lastWrite.UtcDateTime,
        LastTimestamp = lastWrite.UtcDateTime,
    };

    [Fact]
    public async Task An_event_expires_an_hour_after_its_last_write_as_with_kube_apiserver_s_event_ttl()
    {
        await using var cluster = TestCluster.Start();
        var start = cluster.Clock.GetUtcNow();
        await cluster.Api.CreateAsync(Event("first", start), cancellationToken: TestCluster.Token);
        cluster.Clock.Advance(TimeSpan.FromMinutes(30));
        await cluster.Api.CreateAsync(Event("later", cluster.Clock.GetUtcNow()), cancellationToken: TestCluster.Token);
        var repeated = Event("repeated", start);
        repeated.LastTimestamp = cluster.Clock.GetUtcNow().UtcDateTime;
        await cluster.Api.CreateAsync(repeated, cancellationToken: TestCluster.Token);

        cluster.Clock.Advance(EventTtl.Ttl - TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        await cluster.Until(() => cluster.Api.Get<Corev1Event>("default", "first") is null, "the first event expired, an hour after it was written");
        var afterAnHour = new[] { "later", "repeated" }.Select(name => cluster.Api.Get<Corev1Event>("default", name)).ToList();
        cluster.Clock.Advance(TimeSpan.FromMinutes(30));
        await cluster.Until(() => cluster.Api.List(ResourceTypes.Events, null).Items.Count == 0, "the later events expired an hour after their last write");

        afterAnHour.Should().OnlyContain(evt => evt != null, "an event written again keeps its hour from its last write, not its first");
    }
}
