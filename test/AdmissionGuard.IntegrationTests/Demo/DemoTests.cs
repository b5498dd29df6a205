using AdmissionGuard.Playground.Commands;
using AdmissionGuard.Playground.Demo;

namespace AdmissionGuard.IntegrationTests.Demo;

/// <summary>What <c>make run</c> plays: the whole story, end to end on the sandbox.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task In_gate_mode_pods_that_started_without_Cilium_are_restarted_and_the_late_nodes_pods_are_gated_then_released()
    {
        using var output = new StringWriter();

        var exitCode = await DemoStory.RunAsync(new DemoSettings("gate", 2, TimeSpan.FromSeconds(60)), output, TestContext.Current.CancellationToken);

        var text = output.ToString();
        exitCode.Should().Be(DemoStory.Success, text);
        var lines = text.Split('\n');
        lines.Should().Contain(l => l.Contains("node-3") && l.Contains("joined, tainted node.cilium.io/agent-not-ready"));
        lines.Should().Contain(l => l.Contains("istio-system/istio-cni-node-") && l.Contains("created gated (admissionguard.io/cni-ready)"));
        lines.Should().Contain(l => l.Contains("SchedulingGateReleased") && l.Contains("node node-3 is ready"));
        lines.Should().Contain(l => l.Contains("BEFORE Cilium was ready"));
        lines.Should().Contain(l => l.Contains("UnmanagedPodEvicted"));
        lines.Should().Contain(l => l.Contains("CiliumEndpoint created"));
        lines.Should().Contain(l => l.StartsWith("istio-system/istio-cni-node  3     3 ", StringComparison.Ordinal)
            && l.TrimEnd().EndsWith('1'), "the late node's istio-cni-node pod was gated, then released");
        lines.Should().Contain(l => l.StartsWith("kube-system/aws-node", StringComparison.Ordinal) && l.Contains("n/a (host network)"));
        text.Should().Contain("Every pod that needs the CNI is managed by Cilium (3 nodes");
    }

    [Fact]
    public async Task When_the_pods_cannot_all_be_managed_in_time_it_exits_non_zero_and_says_what_is_missing()
    {
        using var output = new StringWriter();

        var exitCode = await DemoStory.RunAsync(new DemoSettings("gate", 1, TimeSpan.FromSeconds(1)), output, TestContext.Current.CancellationToken);

        exitCode.Should().Be(DemoStory.NotManaged);
        output.ToString().Should().Contain("Not every pod is managed by Cilium after 1s:").And.MatchRegex("(still tainted|not managed by Cilium)");
    }

    [Theory]
    [InlineData("--nodes", "0", "--nodes must be between 1 and 20")]
    [InlineData("--mode", "gat", "'gat'")]
    public void Bad_flags_are_refused_with_a_message(string flag, string value, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = PlaygroundCommandLine.Create().Parse(["demo", flag, value]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        exitCode.Should().NotBe(0);
        error.ToString().Should().Contain(message);
    }

    [Fact]
    public void Help_tells_the_story_and_the_exit_codes()
    {
        using var output = new StringWriter();

        PlaygroundCommandLine.Create().Parse(["demo", "--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });

        output.ToString().Should().Contain("--mode").And.Contain("--nodes").And.Contain("--timeout").And.Contain("exits 0");
    }
}
