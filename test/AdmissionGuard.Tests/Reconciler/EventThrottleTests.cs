using AdmissionGuard.Reconciler;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class EventThrottleTests
{
    [Fact]
    public void One_Event_per_object_and_reason_per_window()
    {
        var throttle = new EventThrottle();

        throttle.Admit("Pod/default/a/uid-a", "EvictionBlocked", Now).Should().BeTrue();
        throttle.Admit("Pod/default/a/uid-a", "EvictionBlocked", Now.AddMinutes(9)).Should().BeFalse();
        throttle.Admit("Pod/default/a/uid-a", "RestartBlocked", Now.AddMinutes(9)).Should().BeTrue("another reason");
        throttle.Admit("Pod/default/b/uid-b", "EvictionBlocked", Now.AddMinutes(9)).Should().BeTrue("another object");
        throttle.Admit("Pod/default/a/uid-a", "EvictionBlocked", Now + EventThrottle.Window).Should().BeTrue("the window passed");
    }
}
