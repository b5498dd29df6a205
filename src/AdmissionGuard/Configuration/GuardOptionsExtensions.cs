using AdmissionGuard.Core;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Webhook;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

internal static class GuardOptionsExtensions
{
    /// <summary>
    /// Binds and validates every section (<c>Kubernetes</c>, <c>Webhook</c>, <c>Admission</c>, <c>Reconciler</c>,
    /// <c>LeaderElection</c>). A bad value stops start-up with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddGuardOptions(this IServiceCollection services)
    {
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesOptions>, KubernetesOptionsValidator>());

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsRulesValidator>());

        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName)
            .PostConfigure(o => o.TaintKeys ??= [WellKnown.CiliumAgentNotReadyTaint])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>());
        services.TryAddSingleton(sp => ToPolicy(sp.GetRequiredService<IOptions<AdmissionOptions>>().Value));

        services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsRules>());

        services.AddOptions<LeaderElectionOptions>().BindConfiguration(LeaderElectionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaderElectionOptions>, LeaderElectionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaderElectionOptions>, LeaderElectionOptionsRules>());
        return services;
    }

    /// <summary>The decisions' view of validated options.</summary>
    public static AdmissionPolicy ToPolicy(AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!GuardModes.TryParse(options.Mode, out var mode))
        {
            throw new ArgumentException($"Admission:Mode: '{options.Mode}' is not one of {GuardModes.Allowed}", nameof(options));
        }

        // An empty selector string selects every pod; "no exclusion" must select none.
        var excludedPods = string.IsNullOrWhiteSpace(options.ExcludedPodSelector)
            ? LabelSelector.Nothing
            : LabelSelector.Parse(options.ExcludedPodSelector);
        return new AdmissionPolicy(
            mode,
            options.TaintKeys ?? [WellKnown.CiliumAgentNotReadyTaint],
            new ExclusionPolicy(options.ExcludedNamespaces.ToHashSet(StringComparer.Ordinal), excludedPods));
    }
}
