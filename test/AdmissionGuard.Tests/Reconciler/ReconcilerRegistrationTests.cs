using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Tests.Healing;
using AdmissionGuard.Leadership;
using AdmissionGuard.Reconciler;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcilerRegistrationTests
{
    private static WebApplication Build(params string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // What AddClusterCaches provides in the real composition.
        builder.Services.AddSingleton<IClusterSnapshot>(new FakeClusterSnapshot());
        builder.Services.AddSingleton<IClusterCacheStatus>(new FakeLeadership());
        builder.Services.AddSingleton(_ => new Kubernetes(new KubernetesClientConfiguration { Host = "http://api.invalid" }));
        builder.Services.AddGuardSettings(builder.Configuration);
        builder.AddClusterCaches();
        builder.AddReconciler();
        return builder.Build();
    }

    [Fact]
    public async Task Registers_the_loop_the_election_and_the_seams_others_use()
    {
        await using var app = Build();

        app.Services.GetServices<IHostedService>().Select(s => s.GetType())
            .Should().ContainInOrder(typeof(LeaderElectionService), typeof(ReconcileLoop));
        app.Services.GetRequiredService<IReconcileTrigger>().Should().BeSameAs(app.Services.GetRequiredService<ReconcileTrigger>());
        app.Services.GetRequiredService<ILeadership>().Should().BeSameAs(app.Services.GetRequiredService<LeadershipState>());
        app.Services.GetRequiredService<IPodActions>().Should().BeOfType<RateLimitedPodActions>("every write waits for its turn");
        app.Services.GetRequiredService<IPodEventRecorder>().Should().BeOfType<KubernetesPodEventRecorder>();
    }

    [Fact]
    public async Task Configuration_reaches_the_settings()
    {
        await using var app = Build("--Reconciler:DryRun=true", "--Reconciler:Interval=00:00:05", "--Admission:ExcludedNamespaces:0=kube-system");

        var settings = app.Services.GetRequiredService<ReconcilerSettings>();

        settings.Budget.DryRun.Should().BeTrue();
        settings.Interval.Should().Be(TimeSpan.FromSeconds(5));
        settings.Policy.Exclusions.ExcludedNamespaces.Should().Contain("kube-system");
    }

    [Fact]
    public async Task A_disabled_reconciler_neither_campaigns_nor_reconciles()
    {
        await using var app = Build("--Reconciler:Enabled=false");

        app.Services.GetServices<IHostedService>().Should().NotContain(s => s is LeaderElectionService || s is ReconcileLoop);
    }
}
