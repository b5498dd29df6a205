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
    /// Binds and validates the webhook's sections (<c>Webhook</c>, <c>Admission</c>) and registers the
    /// <see cref="AdmissionPolicy"/> built from them. A bad value stops start-up with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddGuardOptions(this IServiceCollection services)
    {
        services.AddSection<WebhookOptions>(WebhookOptions.SectionName, typeof(WebhookOptionsValidator), typeof(WebhookOptionsRulesValidator))
            ?.PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrEmpty(o.Namespace))
                {
                    o.Namespace = configuration[WebhookOptions.PodNamespaceVariable] ?? "";
                }
            });
        return services.AddAdmissionOptions();
    }

    /// <summary>
    /// The <c>Admission</c> section and the <see cref="AdmissionPolicy"/> built from it: what decides whether a pod
    /// needs the CNI, for the webhook, the reconciler and <c>scan</c> (which serves no webhook).
    /// </summary>
    public static IServiceCollection AddAdmissionOptions(this IServiceCollection services)
    {
        services.AddSection<AdmissionOptions>(AdmissionOptions.SectionName, typeof(AdmissionOptionsValidator))
            ?.PostConfigure(o => o.TaintKeys ??= [WellKnown.CiliumAgentNotReadyTaint]);
        services.TryAddSingleton(sp => ToPolicy(sp.GetRequiredService<IOptions<AdmissionOptions>>().Value));
        return services;
    }

    /// <summary>The <c>Reconciler</c> and <c>LeaderElection</c> sections, read by the caches and the reconciler.</summary>
    public static IServiceCollection AddReconcilerOptions(this IServiceCollection services)
    {
        services.AddSection<ReconcilerOptions>(ReconcilerOptions.SectionName, typeof(ReconcilerOptionsValidator), typeof(ReconcilerOptionsRules));
        services.AddSection<LeaderElectionOptions>(LeaderElectionOptions.SectionName, typeof(LeaderElectionOptionsValidator), typeof(LeaderElectionOptionsRules));
        return services;
    }

    /// <summary>The <c>Kubernetes</c> section: how the client reaches the API server.</summary>
    public static IServiceCollection AddKubernetesOptions(this IServiceCollection services)
    {
        services.AddSection<KubernetesOptions>(KubernetesOptions.SectionName, typeof(KubernetesOptionsValidator));
        return services;
    }

    /// <summary>
    /// Binds a section once with its validators, validated at start. Several components read the same
    /// section and each asks for it; the second request returns null instead of binding it twice.
    /// </summary>
    private static OptionsBuilder<TOptions>? AddSection<TOptions>(this IServiceCollection services, string section, params Type[] validators)
        where TOptions : class
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationType == validators[0]))
        {
            return null;
        }

        foreach (var validator in validators)
        {
            services.AddSingleton(typeof(IValidateOptions<TOptions>), validator);
        }

        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
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
