using System.Text.Json;

namespace AdmissionGuard.IntegrationTests.Commands;

/// <summary><c>admissionguard scan</c> in process, over HTTPS against the sandbox reproducing the seed's failure.</summary>
public sealed class ScanCommandTests(SeedFailureCluster cluster) : IClassFixture<SeedFailureCluster>
{
    // The pods are seconds old: a minimum age of 0 lets scan judge them, as the reconciler would 30 s later.
    private const string NoMinimumAge = "0s";

    [Fact]
    public async Task Scan_finds_exactly_the_pods_that_started_before_cilium_and_exits_1()
    {
        var (exitCode, output, error) = await ScanAsync("--min-pod-age", NoMinimumAge);

        error.Should().BeEmpty();
        exitCode.Should().Be(1);
        cluster.UnmanagedPods.Should().HaveCount(4);
        var section = output[output.IndexOf("Unmanaged pods (running without Cilium): 4", StringComparison.Ordinal)..];
        var rows = section.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(2).ToList();
        rows.Select(r => string.Join('/', r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))).Should().Equal(cluster.UnmanagedPods);
        rows.Should().OnlyContain(r => r.EndsWith("has no CiliumEndpoint", StringComparison.Ordinal));
        rows.Should().OnlyContain(r => r.Contains("DaemonSet/ebs-csi-node", StringComparison.Ordinal) || r.Contains("DaemonSet/istio-cni-node", StringComparison.Ordinal));
        output.Should().Contain("Tainted nodes: none").And.Contain("Gated pods: none").And.Contain("At-risk pods (tolerate the taint of the node they are on): none");
    }

    [Fact]
    public async Task Json_output_parses_and_lists_the_unmanaged_pods_with_their_reason()
    {
        var (exitCode, output, _) = await ScanAsync("-o", "json", "--min-pod-age", NoMinimumAge, "--context", "sandbox-http");

        exitCode.Should().Be(1);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("detectorEnabled").GetBoolean().Should().BeTrue();
        root.GetProperty("taintedNodes").GetArrayLength().Should().Be(0);
        var unmanaged = root.GetProperty("unmanagedPods").EnumerateArray().ToList();
        unmanaged.Select(p => $"{p.GetProperty("namespace").GetString()}/{p.GetProperty("name").GetString()}").Should().Equal(cluster.UnmanagedPods);
        unmanaged.Should().OnlyContain(p => p.GetProperty("reason").GetString() == "noEndpoint"
            && p.GetProperty("detail").GetString() == "has no CiliumEndpoint"
            && p.GetProperty("node").GetString()!.StartsWith("node-", StringComparison.Ordinal)
            && p.GetProperty("uid").GetString()!.Length > 0);
    }

    [Theory]
    [InlineData("--exclude-namespace", "kube-system")]
    [InlineData("--exclude-pods", "k8s-app notin (cilium,aws-node)")]
    [InlineData("--Admission:ExcludedNamespaces:0=kube-system")]
    public async Task Excluded_pods_are_not_reported_and_a_clean_scan_exits_0(params string[] exclusion)
    {
        var (exitCode, output, error) = await ScanAsync(["--min-pod-age", NoMinimumAge, .. exclusion]);

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain("Unmanaged pods (running without Cilium): none");
    }

    [Fact]
    public async Task Pods_younger_than_the_minimum_age_are_not_unmanaged_yet()
    {
        var (exitCode, output, _) = await ScanAsync("--min-pod-age", "1h");

        exitCode.Should().Be(0);
        output.Should().Contain("Unmanaged pods (running without Cilium): none");
    }

    [Fact]
    public async Task The_agent_selector_decides_which_nodes_have_a_ready_agent()
    {
        // No agent pod matches: no node counts as agent-ready, so nothing is judged unmanaged.
        var (exitCode, output, _) = await ScanAsync("--min-pod-age", NoMinimumAge, "--agent-selector", "k8s-app=not-cilium");

        exitCode.Should().Be(0);
        output.Should().Contain("Unmanaged pods (running without Cilium): none");
    }

    private Task<(int ExitCode, string Output, string Error)> ScanAsync(params string[] args) =>
        ScanCommandLine.RunAsync(["scan", "--kubeconfig", cluster.Sandbox.KubeconfigPath, "--timeout", "30s", .. args]);
}
