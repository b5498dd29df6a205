namespace AdmissionGuard.Tests.Support;

/// <summary>Waiting for a condition that no event announces (a background loop's effect), with a timeout.</summary>
internal static class Wait
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <param name="condition">Polled until true; may also move fake time forward.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    public static async Task UntilAsync(Func<bool> condition, string what = "the condition holds")
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            while (!condition())
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {Timeout.TotalSeconds}s waiting until {what}");
        }
    }
}
