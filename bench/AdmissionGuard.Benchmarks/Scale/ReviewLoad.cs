using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// The webhook's worst case for memory: <c>clients</c> connections each POSTing AdmissionReviews of just under 3 MiB
/// (the API server's own request limit) back to back, while the RSS of the guard process is sampled.
/// </summary>
internal static class ReviewLoad
{
    // Just under the guard's (and the API server's) 3 MiB limit, review envelope included.
    private const int BodyBytes = (3 * 1024 * 1024) - 4096;

    public sealed record Result(int Ok, int Throttled, int Other, int Failed, double PeakRssMb);

    public static async Task<Result> RunAsync(GuardProcess guard, int clients, TimeSpan duration)
    {
        var body = Body();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == guard.CertificateThumbprint,
            },
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{guard.WebhookPort}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };

        int ok = 0, throttled = 0, other = 0, failed = 0;
        var peak = 0.0;
        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync("/mutate-pods", content);
                    _ = response.StatusCode switch
                    {
                        HttpStatusCode.OK => Interlocked.Increment(ref ok),
                        HttpStatusCode.TooManyRequests => Interlocked.Increment(ref throttled),
                        _ => Interlocked.Increment(ref other),
                    };
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // Closed over Webhook:MaxConnections, or timed out in the queue: what the API server would see.
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();

        while (senders.Any(s => !s.IsCompleted))
        {
            peak = Math.Max(peak, guard.ResidentMegabytes());
            await Task.WhenAny(Task.WhenAll(senders), Task.Delay(100));
        }

        return new Result(ok, throttled, other, failed, Math.Max(peak, guard.PeakResidentMegabytes()));
    }

    private static byte[] Body()
    {
        var pod = PodFixtures.Web();
        var review = AdmissionReviews.PodCreate(pod);
        var filler = new string('x', BodyBytes - Encoding.UTF8.GetByteCount(review) - 64);
        pod["metadata"]!["annotations"] = new JsonObject { ["example.com/filler"] = filler };
        return Encoding.UTF8.GetBytes(AdmissionReviews.PodCreate(pod));
    }
}
