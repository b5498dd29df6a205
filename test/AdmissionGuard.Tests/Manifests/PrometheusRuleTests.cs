using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Manifests;

public sealed partial class PrometheusRuleTests
{
    private static readonly TimeSpan PromtoolTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The metric names of the contract (TEAM.md), the healing gauges added since, and the API server's webhook metric.</summary>
    private static readonly string[] KnownMetrics =
    [
        "admissionguard_admission_requests_total", "admissionguard_admission_duration_seconds_bucket",
        "admissionguard_unmanaged_pods", "admissionguard_pod_restarts_total", "admissionguard_gated_pods",
        "admissionguard_gate_releases_total", "admissionguard_leader", "admissionguard_reconcile_duration_seconds_bucket",
        "admissionguard_blocked_pods", "admissionguard_restart_paused_nodes",
        "apiserver_admission_webhook_fail_open_count",
    ];

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var promtool = FindPromtool();
        using var workspace = new TempDirectory();
        await WriteRulesAsync(workspace);

        var result = await ProcessRunner.RunAsync(
            promtool, ["check", "rules", AlertRules.RulesFileName], PromtoolTimeout, TestContext.Current.CancellationToken, workspace.Path);

        result.Succeeded.Should().BeTrue(result.Output);
        result.StandardOutput.Should().Contain("SUCCESS");
    }

    [Fact]
    public async Task The_alerts_fire_when_and_only_when_their_unit_tests_expect()
    {
        var promtool = FindPromtool();
        using var workspace = new TempDirectory();
        await WriteRulesAsync(workspace);
        File.Copy(AlertRules.UnitTestPath, System.IO.Path.Combine(workspace.Path, "alerts.test.yaml"));

        var result = await ProcessRunner.RunAsync(
            promtool, ["test", "rules", "alerts.test.yaml"], PromtoolTimeout, TestContext.Current.CancellationToken, workspace.Path);

        result.Succeeded.Should().BeTrue(result.Output);
    }

    [Fact]
    public async Task The_required_alerts_exist_and_each_alert_has_a_unit_test()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var alerts = (await AlertRules.RulesAsync(cancellation)).Select(r => (string)r["alert"]).ToList();
        var tested = AlertNameInTest().Matches(await File.ReadAllTextAsync(AlertRules.UnitTestPath, cancellation))
            .Select(m => m.Groups[1].Value)
            .ToHashSet();

        alerts.Should().Contain(
        [
            "AdmissionGuardUnmanagedPods", "AdmissionGuardRestartsBlockedByDisruptionBudget",
            "AdmissionGuardWebhookFailingOpen", "AdmissionGuardWebhookErrors", "AdmissionGuardWebhookSlow",
            "AdmissionGuardNoLeader",
        ]).And.OnlyHaveUniqueItems();
        tested.Should().BeEquivalentTo(alerts);
    }

    [Fact]
    public async Task Every_alert_reads_only_metrics_the_guard_or_the_api_server_exports_and_explains_itself()
    {
        var rules = await AlertRules.RulesAsync(TestContext.Current.CancellationToken);

        foreach (var rule in rules)
        {
            var expression = (string)rule["expr"];
            MetricName().Matches(expression).Select(m => m.Value).Should().NotBeEmpty()
                .And.BeSubsetOf(KnownMetrics, $"alert {rule["alert"]} must read exported metrics");
            ((Dictionary<object, object>)rule["labels"]).Should().ContainKey("severity");
            ((Dictionary<object, object>)rule["annotations"]).Keys.Should().Contain(["summary", "description"]);
        }
    }

    private static string FindPromtool() =>
        ExternalTool.FindOrSkip("promtool", "apt-get install prometheus; .ci/run installs it");

    private static async Task WriteRulesAsync(TempDirectory workspace) =>
        await File.WriteAllTextAsync(
            System.IO.Path.Combine(workspace.Path, AlertRules.RulesFileName),
            await AlertRules.RulesFileAsync(TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);

    [GeneratedRegex(@"^\s*alertname:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertNameInTest();

    [GeneratedRegex(@"\b(admissionguard|apiserver)_[a-z_]+\b")]
    private static partial Regex MetricName();
}
