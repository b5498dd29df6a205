using AdmissionGuard.Core.Healing;
using AdmissionGuard.Reconciler;
using k8s.Models;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class RestartEventsTests
{
    private static Corev1Event EventFor(string reason, IDictionary<string, string>? annotations) => new()
    {
        Metadata = new V1ObjectMeta { Name = "ds-a.1", NamespaceProperty = "default", Annotations = annotations },
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "ds-a", NamespaceProperty = "default", Uid = "uid-a" },
        Reason = reason,
        FirstTimestamp = Now.UtcDateTime,
    };

    [Fact]
    public void A_restart_Event_reads_back_as_the_restart_it_records()
    {
        var annotations = RestartEvents.Annotations(RunningPod("ds-a", node: "n7"));

        RestartEvents.Read(EventFor(PodEvent.UnmanagedPodEvicted, annotations.ToDictionary()))
            .Should().Be(new RecordedRestart(Owner(), "default/ds-a", "uid-a", "n7", Now));
    }

    [Theory]
    [InlineData(PodEvent.EvictionBlocked, "DaemonSet/ds/uid-ds")]
    [InlineData(PodEvent.UnmanagedPodEvicted, "DaemonSet/ds")]
    [InlineData(PodEvent.UnmanagedPodEvicted, "DaemonSet/ds/")]
    [InlineData(PodEvent.UnmanagedPodEvicted, null)]
    public void Other_Events_and_hand_made_annotations_record_no_restart(string reason, string? owner)
    {
        var annotations = owner is null ? null : new Dictionary<string, string> { [RestartEvents.OwnerAnnotation] = owner };

        RestartEvents.Read(EventFor(reason, annotations)).Should().BeNull();
    }
}
