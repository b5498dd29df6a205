using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class SimulationOptionsTests
{
    [Fact]
    public void A_bad_agent_selector_stops_the_simulation_with_the_setting_named()
    {
        var create = () => new SimulatedCluster(ClusterApi.CreateInMemory(), new SimulationOptions { CiliumAgentSelector = "k8s-app in (cilium" });

        create.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Simulation:CiliumAgentSelector");
    }

    [Fact]
    public void A_negative_startup_delay_is_refused()
    {
        var create = () => new SimulatedCluster(ClusterApi.CreateInMemory(), new SimulationOptions { StartupDelay = TimeSpan.FromSeconds(-1) });

        create.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(nameof(SimulationOptions.StartupDelay));
    }

    [Fact]
    public void A_selector_without_a_value_cannot_label_the_agent()
    {
        var options = new SimulationOptions { CiliumAgentSelector = "k8s-app" };

        var build = () => SimulatedWorkloads.CiliumAgent(options, TimeSpan.Zero);

        build.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("Simulation:CiliumAgentSelector");
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    public void Go_durations_parse(string text, long milliseconds)
    {
        Durations.TryParse(text, out var duration).Should().BeTrue();
        duration.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("five seconds")]
    [InlineData("-5s")]
    public void Bad_durations_are_rejected(string text) => Durations.TryParse(text, out _).Should().BeFalse();
}
