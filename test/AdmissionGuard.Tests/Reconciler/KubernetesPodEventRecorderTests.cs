using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Configuration;
using AdmissionGuard.Reconciler;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class KubernetesPodEventRecorderTests
{
    private static (KubernetesPodEventRecorder Recorder, StubApiHandler Api) Recorder(HttpStatusCode status)
    {
        var api = new StubApiHandler(status, """{"kind":"Event","apiVersion":"v1","metadata":{"name":"e"}}""");
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://api.invalid" }, api);
        var recorder = new KubernetesPodEventRecorder(client, new FakeTimeProvider(Now), new EventThrottle(),
            Microsoft.Extensions.Options.Options.Create(new LeaderElectionOptions { Identity = "guard-0" }),
            NullLogger<KubernetesPodEventRecorder>.Instance);
        return (recorder, api);
    }

    [Fact]
    public async Task Writes_a_core_v1_event_about_the_pod()
    {
        var (recorder, api) = Recorder(HttpStatusCode.Created);

        await recorder.RecordAsync(RunningPod("a"), new PodEvent(PodEvent.Warning, PodEvent.EvictionBlocked, "blocked"), TestContext.Current.CancellationToken);

        var request = api.Requests.Single();
        request.Path.Should().Be("/api/v1/namespaces/default/events");
        var body = JsonNode.Parse(request.Body)!;
        body["metadata"]!["name"]!.GetValue<string>().Should().StartWith("a.");
        body["involvedObject"]!["kind"]!.GetValue<string>().Should().Be("Pod");
        body["involvedObject"]!["name"]!.GetValue<string>().Should().Be("a");
        body["involvedObject"]!["uid"]!.GetValue<string>().Should().Be("uid-default-a");
        body["type"]!.GetValue<string>().Should().Be("Warning");
        body["reason"]!.GetValue<string>().Should().Be("EvictionBlocked");
        body["message"]!.GetValue<string>().Should().Be("blocked");
        body["source"]!["component"]!.GetValue<string>().Should().Be("admissionguard");
        body["count"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_refused_event_is_logged_not_thrown()
    {
        var (recorder, _) = Recorder(HttpStatusCode.Forbidden);

        await FluentActions.Awaiting(() => recorder.RecordAsync(RunningPod("a"), new PodEvent(PodEvent.Normal, "R", "m"), TestContext.Current.CancellationToken))
            .Should().NotThrowAsync();
    }
}
