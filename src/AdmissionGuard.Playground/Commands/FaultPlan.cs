using System.Globalization;
using AdmissionGuard.Sandbox.Faults;

namespace AdmissionGuard.Playground.Commands;

/// <summary>The faults the <c>sandbox</c> command was asked for.</summary>
internal sealed record FaultPlan(IReadOnlyList<ErrorRule> Errors, TimeSpan? Latency, TimeSpan? WatchDrop, bool WatchExpired, bool Everyone)
{
    /// <summary>Sets the faults; only <paramref name="guardUser"/>'s requests see them unless <see cref="Everyone"/>.</summary>
    public void ApplyTo(FaultInjection faults, string guardUser)
    {
        ArgumentNullException.ThrowIfNull(faults);
        faults.User = Everyone ? null : guardUser;
        foreach (var rule in Errors)
        {
            faults.SetErrorRate(rule.Verb, rule.Rate, rule.StatusCode);
        }

        faults.Latency = Latency ?? TimeSpan.Zero;
        faults.DropWatchStreamsAfter = WatchDrop;
        faults.ForceWatchExpired = WatchExpired;

        // The guard's watches opened before the faults: make them reconnect into them now, not in 5 to 10 minutes.
        faults.DropWatchStreams();
    }

    /// <summary>One line for the start-up banner, e.g. <c>list 30% (500), watches dropped after 10s; the guard's requests only</c>.</summary>
    public string Describe()
    {
        var parts = Errors.Select(rule => string.Create(CultureInfo.InvariantCulture,
            $"{rule.Verb} {rule.Rate:0.##%} ({rule.StatusCode ?? 500})")).ToList();
        if (Latency is { } latency)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"latency {latency.TotalMilliseconds:0}ms"));
        }

        if (WatchDrop is { } drop)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"watches dropped after {drop.TotalSeconds:0.###}s"));
        }

        if (WatchExpired)
        {
            parts.Add("every new watch 410 Expired");
        }

        return $"{string.Join(", ", parts)}; {(Everyone ? "every client" : "the guard's requests only")}";
    }
}
