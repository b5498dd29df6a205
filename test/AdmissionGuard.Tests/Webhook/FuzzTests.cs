using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Benchmarks.Fuzzing;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>A bounded, seeded slice of <c>make fuzz</c>: the guard on real Kestrel over HTTPS never answers 5xx.</summary>
public sealed class FuzzTests
{
    [Fact]
    public async Task Two_thousand_mutated_reviews_get_no_server_error_no_timeout_and_no_dropped_connection()
    {
        await using var guard = await GuardTestHost.StartAsync(kestrel: true, settings: "--Admission:CacheWaitTimeout=00:00:00");
        var thumbprint = guard.CertificateThumbprint();
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint },
        })
        { BaseAddress = guard.App.GetGuardAddresses().Webhook };
        string[] seeds =
        [
            AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()),
            AdmissionReviews.PodCreate(PodFixtures.IstioCniNode()),
            AdmissionReviews.PodCreate(PodFixtures.AwsNode()),
            AdmissionReviews.PodCreate(PodFixtures.Web(), podNamespace: "default"),
            AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode),
            AdmissionReviews.ConfigMapCreate(),
        ];

        var result = await new ReviewFuzzer(seeds, seed: 20261202).RunAsync(client, 2000, stop: TestContext.Current.CancellationToken);

        result.ToString().Should().Be("fuzz: inputs=2000 5xx=0 timeouts=0 crashes=0", result.StatusCounts);
        result.Statuses.Keys.Should().BeSubsetOf([200, 400, 413]);
    }
}
