using System.Threading.RateLimiting;
using AdmissionGuard.Configuration;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

/// <summary>
/// How many admission requests are read at once, bounding the webhook's memory: reviews with a declared body up to
/// 64 KiB ("small": a pod is a few KB, a binding less than one) at most <see cref="MaxSmallRequests"/> at once and never
/// queued; larger ones (or of unknown length) <c>Webhook:MaxConcurrentRequests</c> at once, <c>Webhook:RequestQueueLimit</c>
/// waiting, oldest first. The rest are answered 429 at once.
/// </summary>
/// <remarks>
/// ASP.NET Core's rate-limiting middleware did the same, but with a partition lookup, a lease and three meters per
/// request: 4-10% of the webhook's throughput under wrk (docs/performance.md). Small requests only need a counter.
/// </remarks>
internal sealed class AdmissionRequestLimit(IOptions<WebhookOptions> options) : IDisposable
{
    /// <summary>Reviews with a declared body up to this size are "small": at most <see cref="MaxSmallRequests"/> x 64 KiB in memory.</summary>
    public const long SmallBodyBytes = 64 * 1024;

    public const int MaxSmallRequests = 512;

    private readonly ConcurrencyLimiter _large = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentRequests,
        QueueLimit = options.Value.RequestQueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private readonly ConcurrencyCap _small = new(MaxSmallRequests);

    /// <summary>Runs <paramref name="next"/> within the limits, or answers 429.</summary>
    public async Task RunAsync(HttpContext context, Func<HttpContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // Everyday reviews must not queue behind each other: a burst of bindings each waiting up to
        // Admission:CacheWaitTimeout for the cache would otherwise overrun the API server's 3 s timeout and be admitted
        // unchecked. Only large bodies can exhaust memory.
        if (context.Request.ContentLength is <= SmallBodyBytes)
        {
            if (!_small.TryEnter())
            {
                await RejectAsync(context);
                return;
            }

            try
            {
                await next(context);
            }
            finally
            {
                _small.Exit();
            }

            return;
        }

        using var lease = await _large.AcquireAsync(1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            await RejectAsync(context);
            return;
        }

        await next(context);
    }

    public void Dispose() => _large.Dispose();

    // The API server calls with failurePolicy Ignore: a 429 admits the request unchecked, as a timeout would, but at once.
    private static Task RejectAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return context.Response.WriteAsync(
            "too many admission requests at once (Webhook:MaxConcurrentRequests, Webhook:RequestQueueLimit)", context.RequestAborted);
    }
}
