using AdmissionGuard.Reconciler;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class GateReleasePatchTests
{
    [Fact]
    public void Tests_the_uid_and_the_current_gates_before_removing_ours()
    {
        var pod = GatedPod("g") with { SchedulingGates = ["example.com/first", "admissionguard.io/cni-ready", "example.com/last"] };

        GateReleasePatch.For(pod).Should().Be(
            """[{"op":"test","path":"/metadata/uid","value":"uid-default-g"},"""
            + """{"op":"test","path":"/spec/schedulingGates","value":[{"name":"example.com/first"},{"name":"admissionguard.io/cni-ready"},{"name":"example.com/last"}]},"""
            + """{"op":"replace","path":"/spec/schedulingGates","value":[{"name":"example.com/first"},{"name":"example.com/last"}]}]""");
    }

    [Fact]
    public void Our_gate_alone_leaves_an_empty_list()
    {
        GateReleasePatch.For(GatedPod("g")).Should().EndWith("""{"op":"replace","path":"/spec/schedulingGates","value":[]}]""");
    }
}
