using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>
/// <see cref="ClusterWait"/> for tests: fails the test with what it waited for after a timeout. With a fake clock
/// it lets simulated time flow by one tick whenever the cluster is quiet.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<T> Until<T>(ClusterApi api, Func<T?> probe, string what, FakeTimeProvider? clock = null, TimeSpan? tick = null)
        where T : class
    {
        T? found = null;
        await Until(api, () => (found = probe()) is not null, what, clock, tick);
        return found!;
    }

    public static async Task Until(ClusterApi api, Func<bool> condition, string what, FakeTimeProvider? clock = null, TimeSpan? tick = null)
    {
        var step = tick ?? TimeSpan.FromSeconds(1);
        Action? advance = clock is null ? null : () => clock.Advance(step);
        if (!await ClusterWait.UntilAsync(api, condition, Timeout, advance, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Fail($"Timed out after {Timeout.TotalSeconds}s waiting until {what}");
        }
    }
}
