using Microsoft.Extensions.Hosting;

namespace AdmissionGuard.Configuration;

/// <summary>Warns once at start-up for every setting given under a key that moved (<see cref="LegacySettings"/>).</summary>
internal sealed partial class LegacySettingsWarning(LegacySettings legacy, ILogger<LegacySettingsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (old, now) in legacy.Used)
        {
            MovedSetting(logger, old, now);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1000, LogLevel.Warning, "Setting {OldKey} is deprecated and will stop working in the next release: use {NewKey} (environment {NewVariable})")]
    private static partial void MovedSetting(ILogger logger, string oldKey, string newKey, string newVariable);

    private static void MovedSetting(ILogger logger, string oldKey, string newKey) =>
        MovedSetting(logger, oldKey, newKey, newKey.Replace(":", "__", StringComparison.Ordinal));
}
