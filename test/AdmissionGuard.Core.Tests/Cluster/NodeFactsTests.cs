using System.Collections.Frozen;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Tests.Cluster;

public sealed class NodeFactsTests
{
    private static readonly FrozenSet<string> CiliumKeys = FrozenSet.Create(StringComparer.Ordinal, "node.cilium.io/agent-not-ready");

    private static readonly NodeFacts Booting = new("node-1",
    [
        new Taint("node.kubernetes.io/not-ready", "", "NoSchedule"),
        new Taint("node.cilium.io/agent-not-ready", "true", "NoSchedule"),
        new Taint("node.cilium.io/agent-not-ready", "", "NoExecute"),
    ]);

    [Fact]
    public void FindTaint_returns_the_first_taint_with_a_listed_key()
    {
        Booting.FindTaint(CiliumKeys).Should().BeSameAs(Booting.Taints[1]);
    }

    [Fact]
    public void FindTaint_returns_null_when_no_taint_has_a_listed_key()
    {
        Booting.FindTaint(FrozenSet.Create(StringComparer.Ordinal, "example.com/other")).Should().BeNull();
        new NodeFacts("node-2", []).FindTaint(CiliumKeys).Should().BeNull();
    }

    [Fact]
    public void FindTaint_allocates_nothing()
    {
        _ = Booting.FindTaint(CiliumKeys);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var taint = Booting.FindTaint(CiliumKeys);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0, "the binding check asks for every binding onto a node");
        taint.Should().NotBeNull();
    }
}
