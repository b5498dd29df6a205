namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// Delays after consecutive failures: doubling from <see cref="InformerTiming.InitialBackoff"/> up to
/// <see cref="InformerTiming.MaxBackoff"/>, each drawn from the upper half of that step so that many clients
/// failing together do not retry together, yet none waits less than half a step.
/// </summary>
internal sealed class ExponentialBackoff(InformerTiming timing)
{
    private int _failures;

    public TimeSpan Next()
    {
        var step = timing.InitialBackoff * Math.Pow(2, Math.Min(_failures, 30));
        if (step > timing.MaxBackoff)
        {
            step = timing.MaxBackoff;
        }

        _failures++;
        return step * (1 - (timing.Random() / 2));
    }

    public void Reset() => _failures = 0;
}
