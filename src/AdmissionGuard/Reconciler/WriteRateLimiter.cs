namespace AdmissionGuard.Reconciler;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/> (so simulated time paces it too): at most <c>perSecond</c> writes a
/// second on average, in bursts of as many. Keeps a wave of restarts from hammering the API server.
/// </summary>
internal sealed class WriteRateLimiter(double perSecond, TimeProvider time)
{
    private readonly double _capacity = Math.Max(1, perSecond);
    private readonly Lock _gate = new();
    private double _tokens = Math.Max(1, perSecond);
    private long _refilledAt = time.GetTimestamp();

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(_capacity, _tokens + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
                _refilledAt = now;
                if (_tokens >= 1)
                {
                    _tokens--;
                    return;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
