using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.IntegrationTests.Prometheus;

/// <summary>The guard's metrics as a real Prometheus scrapes them, and as promtool lints them.</summary>
public sealed class PrometheusScrapeTests(GuardWithTraffic guard) : IClassFixture<GuardWithTraffic>
{
    private const string Job = "admissionguard";
    private const string HowToInstall = "apt-get install prometheus; .ci/run installs it";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_real_Prometheus_scrapes_the_unmanaged_pods_and_the_admission_requests()
    {
        var prometheus = ExternalTool.FindOrSkip("prometheus", HowToInstall);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await PrometheusServer.StartAsync(prometheus, Job, guard.MetricsTarget);
        await WaitAsync(server, () => server.IsReadyAsync(cancellationToken), "Prometheus to be ready");

        await WaitAsync(server, async () => await ValueAsync(server, $"up{{job=\"{Job}\"}}") == 1, "the guard's target to be up");
        await WaitAsync(server, async () => await ValueAsync(server, "admissionguard_unmanaged_pods") >= 1, "admissionguard_unmanaged_pods >= 1");
        await WaitAsync(server, async () => await ValueAsync(server, "sum(admissionguard_admission_requests_total{operation=\"mutate_pod\",decision=\"gated\"})") >= 1, "a gated pod counted");

        var unmanaged = await server.QueryAsync("admissionguard_unmanaged_pods", cancellationToken);
        unmanaged.Should().ContainSingle().Which.Labels.Should().Contain(
            label => label.Key == "job" && (string?)label.Value == Job, server.Output);
        var requests = await server.QueryAsync("admissionguard_admission_requests_total", cancellationToken);
        requests.Select(r => $"{r.Labels["operation"]}/{r.Labels["decision"]}").Should().Contain(["mutate_pod/gated", "validate_pod/allowed"]);
        requests.Should().OnlyContain(r => r.Value >= 0);
    }

    [Fact]
    public async Task Promtool_finds_nothing_to_complain_about_in_the_metrics_output()
    {
        var promtool = ExternalTool.FindOrSkip("promtool", HowToInstall);
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = guard.Playground.Instances[0].Addresses.Health };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);

        var result = await ProcessRunner.RunAsync(promtool, ["check", "metrics"], TimeSpan.FromMinutes(1), cancellationToken, standardInput: metrics);

        metrics.Should().Contain("admissionguard_admission_requests_total{").And.Contain("admissionguard_unmanaged_pods ");
        result.Succeeded.Should().BeTrue(result.Output);
        (result.StandardOutput + result.StandardError).Should().BeEmpty(result.Output);
    }

    private static async Task<double> ValueAsync(PrometheusServer server, string query) =>
        (await server.QueryAsync(query, TestContext.Current.CancellationToken)).Sum(series => series.Value);

    private async Task WaitAsync(PrometheusServer server, Func<Task<bool>> condition, string what)
    {
        try
        {
            await guard.Playground.WaitUntilAsync(condition, what, Timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}\n{server.Output}");
        }
    }
}
