namespace AdmissionGuard.Webhook;

/// <summary>
/// At most <paramref name="max"/> holders at once, counted, never queued: for limits checked on every connection or
/// every ordinary review, where a rate limiter's lease would cost more than the check.
/// </summary>
internal sealed class ConcurrencyCap(int max)
{
    private int _held;

    /// <returns>True when there was room; the caller then calls <see cref="Exit"/> once it is done.</returns>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _held) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _held);
}
