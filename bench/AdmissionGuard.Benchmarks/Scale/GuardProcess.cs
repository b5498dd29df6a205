using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AdmissionGuard.Benchmarks.CommandLine;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// The guard as it ships: <c>admissionguard serve</c> built in Release, in its own process, configured only through
/// its command line, with its memory and CPU read from <c>/proc</c> (Linux).
/// </summary>
internal sealed class GuardProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly BackgroundProcess _process;
    private readonly TempDirectory _certificates;

    private GuardProcess(BackgroundProcess process, TempDirectory certificates, string thumbprint, int webhookPort, int metricsPort)
    {
        _process = process;
        _certificates = certificates;
        CertificateThumbprint = thumbprint;
        WebhookPort = webhookPort;
        MetricsPort = metricsPort;
    }

    /// <summary>The thumbprint of the certificate the webhook serves, for clients to pin.</summary>
    public string CertificateThumbprint { get; }

    public int WebhookPort { get; }

    public int MetricsPort { get; }

    public int Id => _process.Id;

    public string Output => _process.Output;

    /// <summary>Builds <c>src/AdmissionGuard</c> in Release (unless <paramref name="build"/> is false) and returns its entry assembly.</summary>
    public static async Task<string> BuildAsync(bool build)
    {
        var project = RepositoryRoot.Combine("src", "AdmissionGuard");
        if (build)
        {
            var result = await ProcessRunner.RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-clp:ErrorsOnly"], TimeSpan.FromMinutes(10), CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"building the guard failed:\n{result.Output}");
            }
        }

        var dll = Path.Combine(project, "bin", "Release", "net10.0", "admissionguard.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found: build it or drop --no-build");
    }

    /// <summary>Starts <c>serve</c> against <paramref name="kubeconfig"/> with a fresh certificate and free ports.</summary>
    public static GuardProcess Start(string dll, string kubeconfig, IEnumerable<string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var certificates = new TempDirectory();
        using var certificate = TestCertificates.Create();
        TestCertificates.Write(certificate, certificates.File("tls.crt"), certificates.File("tls.key"));
        var (webhookPort, metricsPort) = (FreePort(), FreePort());
        var process = ProcessRunner.Start("dotnet",
        [
            dll, "serve",
            $"--Kubernetes:Kubeconfig={kubeconfig}",
            $"--Webhook:CertFile={certificates.File("tls.crt")}",
            $"--Webhook:KeyFile={certificates.File("tls.key")}",
            $"--Webhook:Port={webhookPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Webhook:MetricsPort={metricsPort.ToString(CultureInfo.InvariantCulture)}",
            "--Webhook:MetricsAddress=127.0.0.1",
            .. settings,
        ], environment: environment);
        return new GuardProcess(process, certificates, certificate.Thumbprint, webhookPort, metricsPort);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200; throws if the process exits or <paramref name="timeout"/> passes.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the guard exited before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"the guard was not ready within {timeout}:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The values of <paramref name="series"/> in <c>/metrics</c>, from one scrape, so that they agree (a histogram's
    /// <c>_sum</c> and <c>_count</c>); a series is its name with its labels as prometheus-net writes them.
    /// </summary>
    public async Task<double[]> MetricsAsync(params string[] series)
    {
        var text = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"));
        var lines = text.Split('\n');
        return [.. series.Select(name => lines.FirstOrDefault(line => line.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"/metrics has no series {name}"))];
    }

    /// <summary>Resident set size now (VmRSS), in MiB.</summary>
    public double ResidentMegabytes() => StatusKilobytes("VmRSS:") / 1024.0;

    /// <summary>The most resident memory so far (VmHWM), in MiB.</summary>
    public double PeakResidentMegabytes() => StatusKilobytes("VmHWM:") / 1024.0;

    /// <summary>User plus system CPU seconds used so far.</summary>
    public double CpuSeconds() => ProcessCpu.Seconds(Id);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _certificates.Dispose();
    }

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
