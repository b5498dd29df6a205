using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// The bad settings a failed start-up reports. Validation throws one <see cref="OptionsValidationException"/> per
/// section, wrapped in an <see cref="AggregateException"/> when several sections are wrong: every one must reach the
/// operator, not only the first section's.
/// </summary>
internal static class SettingsFailures
{
    /// <summary>
    /// Validates every section at once, before the host starts. The host validates only after it has resolved its
    /// hosted services, and those read their own sections as they are built (the caches the Kubernetes one, Kestrel
    /// the Webhook one), so a start-up otherwise reported one wrong section per attempt, behind a logged stack trace.
    /// </summary>
    /// <exception cref="OptionsValidationException">One section is wrong.</exception>
    /// <exception cref="AggregateException">Several are; <see cref="Of"/> reads every failure of either.</exception>
    public static void ThrowIfAny(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <returns>Every failure message, or null when <paramref name="exception"/> is not about settings.</returns>
    public static IReadOnlyList<string>? Of(Exception exception) => exception switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException { InnerExceptions.Count: > 0 } several when several.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. several.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => null,
    };
}
