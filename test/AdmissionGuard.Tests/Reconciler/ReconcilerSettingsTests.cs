using AdmissionGuard.Core;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Options;
using AdmissionGuard.Reconciler;
using Microsoft.Extensions.Configuration;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcilerSettingsTests
{
    private static IConfiguration Admission(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"Admission:{v.Key}", v.Value)))
            .Build()
            .GetSection("Admission");

    [Fact]
    public void Defaults_follow_the_documented_configuration()
    {
        var settings = ReconcilerSettings.From(new ReconcilerOptions(), Admission());

        settings.Policy.TaintKeys.Should().Equal(WellKnown.CiliumAgentNotReadyTaint);
        settings.Policy.Exclusions.ExcludedNamespaces.Should().BeEmpty();
        settings.Policy.Exclusions.ExcludedPods.MatchesNothing.Should().BeTrue();
        settings.Policy.MinPodAge.Should().Be(TimeSpan.FromSeconds(30));
        settings.Policy.MaxGateAge.Should().Be(TimeSpan.FromMinutes(10));
        settings.Policy.ReleaseGatesAfterMaxAge.Should().BeFalse();
        settings.Budget.Should().Be(new RestartBudget(5, TimeSpan.FromMinutes(5), DryRun: false));
        settings.Method.Should().Be(RestartMethod.Evict);
        settings.Interval.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Takes_taint_keys_and_exclusions_from_the_admission_section()
    {
        var settings = ReconcilerSettings.From(
            new ReconcilerOptions { DryRun = true, MaxRestartsPerCycle = 9, RestartMethod = RestartMethod.Delete },
            Admission(("TaintKeys:0", "a/b"), ("TaintKeys:1", "c/d"), ("ExcludedNamespaces:0", "kube-system"), ("ExcludedPodSelector", "app in (x,y)")));

        settings.Policy.TaintKeys.Should().Equal("a/b", "c/d");
        settings.Policy.Exclusions.ExcludedNamespaces.Should().BeEquivalentTo(["kube-system"]);
        settings.Policy.Exclusions.ExcludedPods.Matches(new Dictionary<string, string> { ["app"] = "y" }).Should().BeTrue();
        settings.Budget.Should().Be(new RestartBudget(9, TimeSpan.FromMinutes(5), DryRun: true));
        settings.Method.Should().Be(RestartMethod.Delete);
    }

    [Fact]
    public void A_bad_selector_names_the_setting()
    {
        FluentActions.Invoking(() => ReconcilerSettings.From(new ReconcilerOptions(), Admission(("ExcludedPodSelector", "app in x"))))
            .Should().Throw<FormatException>().WithMessage("Admission:ExcludedPodSelector: invalid label selector*");
    }
}
