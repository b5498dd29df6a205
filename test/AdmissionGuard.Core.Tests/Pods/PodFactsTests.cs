using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Core.Tests.Pods;

/// <summary>Valid JSON that no apiserver sends (null list items) is projected deliberately, never through an exception.</summary>
public sealed class PodFactsTests
{
    [Fact]
    public void Null_items_in_every_list_are_ignored()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "p",
                NamespaceProperty = "ns",
                Labels = new Dictionary<string, string> { ["app"] = "web", ["empty"] = null! },
                OwnerReferences = [null!, new V1OwnerReference { Kind = "ReplicaSet", Name = "rs", Uid = "u", Controller = true }],
            },
            Spec = new V1PodSpec
            {
                Tolerations = [null!, new V1Toleration { OperatorProperty = "Exists" }],
                SchedulingGates = [null!, new V1PodSchedulingGate { Name = null! }, new V1PodSchedulingGate { Name = "g" }],
            },
            Status = new V1PodStatus { Conditions = [null!, new V1PodCondition { Type = "Ready", Status = "True" }] },
        };

        var facts = PodFacts.From(pod);

        facts.Tolerations.Should().Equal(new Toleration("", "Exists", "", ""));
        facts.SchedulingGates.Should().Equal("g");
        facts.Labels.Should().Equal(new Dictionary<string, string> { ["app"] = "web" });
        facts.Owner.Should().Be(new PodOwner("ReplicaSet", "rs", "u"));
        facts.Ready.Should().BeTrue();
    }
}
