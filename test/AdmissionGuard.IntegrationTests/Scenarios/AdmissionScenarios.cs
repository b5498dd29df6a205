using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Sandbox.Tests.Support;
using AdmissionGuard.Testing;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.IntegrationTests.Scenarios;

/// <summary>What a user sees in the real kubectl when creating a pod that would start without Cilium.</summary>
public abstract class AdmissionScenarios
{
    private const string Apps = "apps";
    private const string Quiet = "quiet";

    [Fact]
    public async Task Warn_mode_kubectl_create_prints_the_warning_and_a_namespace_labelled_off_passes_silently()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Mode = "warn" }, token);
        var node = await TaintedNodeAsync(cluster, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Quiet, token, new Dictionary<string, string> { [WellKnown.NamespaceModeLabel] = "off" });
        using var cache = new TempDirectory();
        var kubectl = Kubectl(cluster, cache);

        var warned = await kubectl.RunAsync("create -f -", Workloads.PinnedPodYaml("warned", Apps, node));
        var quiet = await kubectl.RunAsync("create -f -", Workloads.PinnedPodYaml("quiet", Quiet, node));

        warned.ExitCode.Should().Be(0, warned.Error);
        warned.Output.Should().Contain("pod/warned created");
        warned.Error.Should().Contain($"Warning: node {node} is still tainted {WellKnown.CiliumAgentNotReadyTaint}: pod would start without Cilium networking");
        quiet.ExitCode.Should().Be(0, quiet.Error);
        quiet.Output.Should().Contain("pod/quiet created");
        quiet.Error.Should().BeEmpty();
        (await Observe.PodsAsync(cluster.Client, Apps, token)).Should().ContainSingle().Which.Gated.Should().BeFalse("warn admits the pod as it is");
    }

    [Fact]
    public async Task Deny_mode_kubectl_create_is_refused_with_the_webhook_message_and_nothing_is_created()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Mode = "deny" }, token);
        var node = await TaintedNodeAsync(cluster, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);

        using var cache = new TempDirectory();
        var kubectl = Kubectl(cluster, cache);
        var refused = await kubectl.RunAsync("create -f -", Workloads.PinnedPodYaml("refused", Apps, node));
        var metrics = await kubectl.RunAsync("get --raw /metrics");

        refused.ExitCode.Should().Be(1);
        refused.Error.Should().Contain(
            $"admission webhook \"check.pods.admissionguard.io\" denied the request: node {node} is still tainted {WellKnown.CiliumAgentNotReadyTaint}");
        (await Observe.PodsAsync(cluster.Client, Apps, token)).Should().BeEmpty();
        metrics.ExitCode.Should().Be(0, metrics.Error);
        ScrapedMetrics.Parse(metrics.Output).Sum("apiserver_admission_webhook_rejection_count", ("name", "check.pods.admissionguard.io"),
            ("type", "validating"), ("operation", "CREATE"), ("error_type", "no_error"), ("rejection_code", "403"))
            .Should().Be(1, "the apiserver counts the guard's denial as a rejection with the code the guard sent");
    }

    private protected abstract Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken);

    /// <summary>The real kubectl on the cluster's kubeconfig, with its own discovery cache (<c>--cache-dir</c>).</summary>
    private static Kubectl Kubectl(IClusterUnderTest cluster, TempDirectory cache)
    {
        Testing.Kubectl.RequireInstalled();
        return new Kubectl(cluster.KubeconfigPath, cache.Path);
    }

    private static async Task<string> TaintedNodeAsync(IClusterUnderTest cluster, CancellationToken token)
    {
        var node = (await cluster.AddTaintedNodesAsync(1, token)).Single();
        await cluster.WaitUntilCachedAsync(snapshot => snapshot.GetNode(node) is not null, $"node {node}", token);
        return node;
    }
}
