using System.Collections.Concurrent;
using AdmissionGuard.Sandbox.Api;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Faults;

/// <summary>
/// Faults the HTTP surface injects for reliability tests; every setting can change while the server runs.
/// In-process callers (the simulated cluster) are never affected, so the cluster keeps working while its
/// clients see errors. Verbs: get, list, watch, create, update, patch, delete (and <c>*</c> for all).
/// <see cref="User"/> narrows every fault to one client, so that others (kubectl) can watch it ride them out.
/// </summary>
public sealed class FaultInjection : IDisposable
{
    /// <summary>The statuses an injected error can have, as kube-apiserver answers them.</summary>
    public static readonly IReadOnlyList<int> ErrorStatusCodes = [429, 500, 503, 504];

    private readonly ConcurrentDictionary<string, (double Rate, int? StatusCode)> _errorRates = new(StringComparer.Ordinal);
    private CancellationTokenSource _watchDrop = new();
    private long _latencyTicks;
    private long _dropAfterTicks = -1;
    private int _forceWatchExpired;
    private string? _user;

    /// <summary>Delay added before every request is handled.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Every new watch answers with the 410 Expired ERROR event, as if its resourceVersion were too old.</summary>
    public bool ForceWatchExpired
    {
        get => Volatile.Read(ref _forceWatchExpired) == 1;
        set => Volatile.Write(ref _forceWatchExpired, value ? 1 : 0);
    }

    /// <summary>When set, every watch stream ends this long after it started (a dropped connection).</summary>
    public TimeSpan? DropWatchStreamsAfter
    {
        get => Interlocked.Read(ref _dropAfterTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;
        set => Interlocked.Exchange(ref _dropAfterTicks, value?.Ticks ?? -1);
    }

    /// <summary>Status of injected errors whose rate was set without one (500 InternalError by default).</summary>
    public int ErrorStatusCode { get; set; } = 500;

    /// <summary>The only user (as the bearer token maps it) whose requests see faults; null = every client.</summary>
    public string? User
    {
        get => Volatile.Read(ref _user);
        set => Volatile.Write(ref _user, value);
    }

    /// <summary>
    /// Fails this share (0..1) of requests with that verb, with <paramref name="statusCode"/> (one of
    /// <see cref="ErrorStatusCodes"/>) or else <see cref="ErrorStatusCode"/>.
    /// </summary>
    public void SetErrorRate(string verb, double rate, int? statusCode = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        if (statusCode is { } code && !ErrorStatusCodes.Contains(code))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), code, $"must be one of {string.Join(", ", ErrorStatusCodes)}");
        }

        _errorRates[verb] = (rate, statusCode);
    }

    /// <summary>Ends every open watch stream now.</summary>
    public void DropWatchStreams()
    {
        var old = Interlocked.Exchange(ref _watchDrop, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    /// <summary>Back to no faults.</summary>
    public void Reset()
    {
        _errorRates.Clear();
        Latency = TimeSpan.Zero;
        ForceWatchExpired = false;
        DropWatchStreamsAfter = null;
        ErrorStatusCode = 500;
        User = null;
    }

    public void Dispose() => _watchDrop.Dispose();

    internal CancellationToken WatchDropToken => Volatile.Read(ref _watchDrop).Token;

    /// <summary>Whether faults apply to this user's requests.</summary>
    internal bool Hits(string user) => User is not { } only || only == user;

    /// <summary>The injected failure for this request, or null to serve it.</summary>
    internal V1Status? Roll(string verb)
    {
        var (rate, statusCode) = _errorRates.TryGetValue(verb, out var specific) ? specific : _errorRates.GetValueOrDefault("*");
        if (rate <= 0 || Random.Shared.NextDouble() >= rate)
        {
            return null;
        }

        var message = $"injected fault on {verb}";
        return (statusCode ?? ErrorStatusCode) switch
        {
            429 => ApiErrors.TooManyRequests(message, retryAfterSeconds: 1),
            503 => ApiErrors.Unavailable(message),
            504 => ApiErrors.Timeout(message),
            _ => ApiErrors.Internal(message),
        };
    }
}
