using System.Net;
using AdmissionGuard.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AdmissionGuard.Tests.Hosting;

public sealed class HealthAndMetricsTests
{
    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_on_the_health_listener()
    {
        await using var guard = await GuardTestHost.StartAsync();
        using var health = guard.HealthClient();

        (await GetAsync(health, "/healthz")).Should().Be((HttpStatusCode.OK, "Healthy"));
        (await GetAsync(health, "/readyz")).Should().Be((HttpStatusCode.OK, "Healthy"));
    }

    [Fact]
    public async Task Readiness_fails_while_no_certificate_is_loaded()
    {
        using var certificates = new TempDirectory();
        await File.WriteAllTextAsync(certificates.File("tls.crt"), "not a certificate", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(certificates.File("tls.key"), "not a key", TestContext.Current.CancellationToken);
        var builder = GuardTestHost.CreateBuilder(certificates);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<AdmissionGuard.Core.Cluster.IClusterSnapshot>(TestCluster.Snapshot());
        await using var app = GuardApplication.Build(builder);
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var health = app.GetTestServer().CreateClient();

        (await GetAsync(health, "/healthz")).Status.Should().Be(HttpStatusCode.OK);
        var (status, body) = await GetAsync(health, "/readyz");
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.Should().StartWith("Unhealthy\n").And.Contain("\ncertificate: no serving certificate loaded");
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Metrics_count_requests_by_operation_and_decision()
    {
        await using var guard = await GuardTestHost.StartAsync();
        await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));
        await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode));
        await guard.MutateAsync("{");
        using var health = guard.HealthClient();

        var (status, metrics) = await GetAsync(health, "/metrics");

        status.Should().Be(HttpStatusCode.OK);
        metrics.Should().Contain("admissionguard_admission_requests_total{operation=\"mutate_pod\",decision=\"gated\"}")
            .And.Contain("admissionguard_admission_requests_total{operation=\"validate_binding\",decision=\"denied\"}")
            .And.Contain("admissionguard_admission_requests_total{operation=\"mutate_invalid\",decision=\"invalid\"}")
            .And.Contain("admissionguard_admission_duration_seconds_bucket{operation=\"mutate_pod\",le=")
            .And.Contain("admissionguard_admission_duration_seconds_count{operation=\"validate_binding\"}");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task Health_and_metrics_are_not_served_on_the_webhook_listener(string path)
    {
        await using var guard = await GuardTestHost.StartAsync();
        using var webhook = guard.WebhookClient();

        (await GetAsync(webhook, path)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/mutate-pods")]
    [InlineData("/validate-pods")]
    public async Task Webhooks_are_not_served_on_the_plain_http_listener(string path)
    {
        await using var guard = await GuardTestHost.StartAsync();
        using var health = guard.HealthClient();
        using var content = new StringContent(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));

        using var response = await health.PostAsync(path, content, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
