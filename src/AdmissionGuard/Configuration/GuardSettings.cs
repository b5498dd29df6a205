using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Where the settings sections are bound: each exactly once, with its one validator, checked at start-up so that a bad
/// value stops the process with a message naming the setting. A command binds the sections it reads.
/// </summary>
internal static class GuardSettings
{
    /// <summary>Every section <c>serve</c> reads: the webhook's, the CNI's, the caches', the reconciler's.</summary>
    public static IServiceCollection AddGuardSettings(this IServiceCollection services, IConfigurationManager configuration)
    {
        services.AddClusterSettings(configuration);
        services.AddHostedService<LegacySettingsWarning>();
        services.AddSection<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.SectionName)
            .PostConfigure<IConfiguration>((options, config) =>
            {
                if (string.IsNullOrEmpty(options.Namespace))
                {
                    options.Namespace = config[WebhookOptions.PodNamespaceVariable] ?? "";
                }
            });
        return services;
    }

    /// <summary>
    /// The sections every command reads (<c>scan</c> too): the CNI's facts, what is exempt, the reconciler's judgement
    /// and the Lease; plus <see cref="AdmissionPolicy"/> built from them.
    /// </summary>
    public static IServiceCollection AddClusterSettings(this IServiceCollection services, IConfigurationManager configuration)
    {
        services.AddSingleton(LegacySettings.Apply(configuration));
        services.AddSection<CniOptions, CniOptionsValidator>(CniOptions.SectionName);
        services.AddSection<AdmissionOptions, AdmissionOptionsValidator>(AdmissionOptions.SectionName);
        services.AddSection<ReconcilerOptions, ReconcilerOptionsValidator>(ReconcilerOptions.SectionName);
        services.AddSection<LeaderElectionOptions, LeaderElectionOptionsValidator>(LeaderElectionOptions.SectionName);
        services.AddSingleton(sp => ToPolicy(
            sp.GetRequiredService<IOptions<AdmissionOptions>>().Value,
            sp.GetRequiredService<IOptions<CniOptions>>().Value));
        return services;
    }

    /// <summary>
    /// The <c>Kubernetes</c> section: how the client reaches the API server. Bound by the cluster caches, the one
    /// component that talks to it, so that a webhook composed without them needs no kubeconfig.
    /// </summary>
    public static IServiceCollection AddKubernetesSettings(this IServiceCollection services)
    {
        services.AddSection<KubernetesOptions, KubernetesOptionsValidator>(KubernetesOptions.SectionName);
        return services;
    }

    /// <summary>The decisions' view of validated options.</summary>
    public static AdmissionPolicy ToPolicy(AdmissionOptions admission, CniOptions cni)
    {
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(cni);
        var mode = admission.ParsedMode
            ?? throw new ArgumentException($"Admission:Mode: '{admission.Mode}' is not a mode; validate the options first", nameof(admission));

        // An empty selector string selects every pod; "no exclusion" must select none.
        var excludedPods = string.IsNullOrWhiteSpace(admission.ExcludedPodSelector)
            ? LabelSelector.Nothing
            : LabelSelector.Parse(admission.ExcludedPodSelector);
        return new AdmissionPolicy(
            mode,
            cni.EffectiveTaintKeys,
            new ExclusionPolicy(admission.ExcludedNamespaces.ToHashSet(StringComparer.Ordinal), excludedPods));
    }

    private static OptionsBuilder<TOptions> AddSection<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
