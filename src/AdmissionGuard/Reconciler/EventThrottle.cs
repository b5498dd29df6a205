namespace AdmissionGuard.Reconciler;

/// <summary>
/// At most one Event per object and reason per <see cref="Window"/>, like client-go's EventCorrelator spam filter: a pod
/// whose eviction is refused every cycle gets one Event, not one per second. Thread-safe.
/// </summary>
internal sealed class EventThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly Dictionary<(string Object, string Reason), DateTimeOffset> _last = [];
    private readonly Lock _lock = new();

    public bool Admit(string involvedObject, string reason, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_last.TryGetValue((involvedObject, reason), out var last) && now - last < Window)
            {
                return false;
            }

            // Forget what left the window, so that a long-running leader does not keep every pod it ever touched.
            if (_last.Count > 1024)
            {
                foreach (var expired in _last.Where(e => now - e.Value >= Window).Select(e => e.Key).ToList())
                {
                    _last.Remove(expired);
                }
            }

            _last[(involvedObject, reason)] = now;
            return true;
        }
    }
}
