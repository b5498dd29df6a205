using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// The bad settings a failed start-up reports. Validation throws one <see cref="OptionsValidationException"/> per
/// section, wrapped in an <see cref="AggregateException"/> when several sections are wrong: every one must reach the
/// operator, not only the first section's.
/// </summary>
internal static class SettingsFailures
{
    /// <returns>Every failure message, or null when <paramref name="exception"/> is not about settings.</returns>
    public static IReadOnlyList<string>? Of(Exception exception) => exception switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException { InnerExceptions.Count: > 0 } several when several.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. several.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => null,
    };
}
