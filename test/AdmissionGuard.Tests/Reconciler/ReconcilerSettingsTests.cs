using AdmissionGuard.Configuration;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Reconciler;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcilerSettingsTests
{
    [Fact]
    public void Defaults_follow_the_documented_configuration()
    {
        var settings = ReconcilerSettings.From(new ReconcilerOptions(), AdmissionPolicy.Default);

        settings.Policy.TaintKeys.Should().Equal(WellKnown.CiliumAgentNotReadyTaint);
        settings.Policy.Exclusions.ExcludedNamespaces.Should().BeEmpty();
        settings.Policy.Exclusions.ExcludedPods.MatchesNothing.Should().BeTrue();
        settings.Policy.MinPodAge.Should().Be(TimeSpan.FromSeconds(30));
        settings.Policy.MaxGateAge.Should().Be(TimeSpan.FromMinutes(10));
        settings.Policy.ReleaseGatesAfterMaxAge.Should().BeFalse();
        settings.Budget.Should().Be(new RestartBudget(100, TimeSpan.FromMinutes(5), DryRun: false, MaxRestartsInFlight: 250, RestartConcurrency.OwnerBudget));
        settings.WritesPerSecond.Should().Be(20);
        settings.Method.Should().Be(RestartMethod.Evict);
        settings.Interval.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Takes_taint_keys_and_exclusions_from_the_admission_policy()
    {
        var exclusions = new ExclusionPolicy(new HashSet<string> { "kube-system" }, LabelSelector.Parse("app in (x,y)"));

        var settings = ReconcilerSettings.From(
            new ReconcilerOptions { DryRun = true, MaxRestartsPerCycle = 9, RestartMethod = RestartMethod.Delete, Concurrency = "3", MaxRestartsInFlight = 40 },
            new AdmissionPolicy(GuardMode.Warn, ["a/b", "c/d"], exclusions));

        settings.Policy.TaintKeys.Should().Equal("a/b", "c/d");
        settings.Policy.Exclusions.Should().BeSameAs(exclusions);
        settings.Budget.Should().Be(new RestartBudget(9, TimeSpan.FromMinutes(5), DryRun: true, MaxRestartsInFlight: 40, RestartConcurrency.Of(3)));
        settings.Method.Should().Be(RestartMethod.Delete);
    }
}
