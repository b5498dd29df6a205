using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.IntegrationTests.Prometheus;

/// <summary>
/// A real Prometheus server (the Debian package's binary) in a temporary directory, scraping one target every
/// second; disposing it kills the process and deletes its configuration and storage.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly TempDirectory _workspace;
    private readonly BackgroundProcess _process;
    private readonly HttpClient _http;

    private PrometheusServer(TempDirectory workspace, BackgroundProcess process, Uri address)
    {
        _workspace = workspace;
        _process = process;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>What Prometheus printed so far, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (<c>host:port</c>, path <c>/metrics</c>) as job <paramref name="job"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(string prometheus, string job, string target)
    {
        var workspace = new TempDirectory();
        var configFile = Path.Combine(workspace.Path, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]

            """);
        // Prometheus cannot report a port it picked itself: take a free one and hand it over.
        var address = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}/");
        var process = ProcessRunner.Start(
            prometheus,
            [
                $"--config.file={configFile}",
                $"--storage.tsdb.path={Path.Combine(workspace.Path, "data")}",
                $"--web.listen-address={address.Authority}",
                "--log.level=warn",
            ],
            workspace.Path);
        return new PrometheusServer(workspace, process, address);
    }

    /// <summary>Whether <c>/-/ready</c> answers 200; throws when the process has exited (e.g. a bad flag or a taken port).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"Prometheus exited before it was ready:\n{Output}");
        }

        try
        {
            using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Evaluates an instant query with <c>/api/v1/query</c>; returns each series' labels and value.</summary>
    public async Task<IReadOnlyList<(JsonObject Labels, double Value)>> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var body = await _http.GetStringAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(query)}", UriKind.Relative), cancellationToken);
        var answer = JsonNode.Parse(body)!;
        if ((string?)answer["status"] != "success" || (string?)answer["data"]?["resultType"] != "vector")
        {
            throw new InvalidOperationException($"Prometheus answered {query} with {body}");
        }

        return [.. answer["data"]!["result"]!.AsArray().Select(series => (
            series!["metric"]!.AsObject(),
            double.Parse((string)series["value"]![1]!, CultureInfo.InvariantCulture)))];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _workspace.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
