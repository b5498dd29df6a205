using System.Net;
using System.Net.Sockets;

namespace AdmissionGuard.IntegrationTests.Scenarios.K3s;

/// <summary>
/// Whether a Docker engine answers, decided once per run within a few seconds: <c>DOCKER_HOST</c> (unix or tcp) or
/// the usual sockets, then <c>GET /_ping</c> with a short timeout. A docker CLI without a daemon is not an engine.
/// </summary>
internal static class DockerEngine
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private static readonly Lazy<Task<string?>> Unavailable = new(FindProblemAsync);

    /// <summary>Skips the calling test, with the reason, when no engine answers.</summary>
    public static async Task RequireAsync()
    {
        if (await Unavailable.Value is { } problem)
        {
            Assert.Skip($"Docker engine not available: {problem}");
        }
    }

    private static async Task<string?> FindProblemAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            string[] sockets =
            [
                "/var/run/docker.sock",
                Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") ?? "/run/user/0", "docker.sock"),
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"),
            ];
            var socket = sockets.FirstOrDefault(File.Exists);
            if (socket is null)
            {
                return $"DOCKER_HOST is not set and there is no socket at {string.Join(", ", sockets)}";
            }

            host = $"unix://{socket}";
        }

        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp"))
        {
            return $"DOCKER_HOST={host} is neither unix:// nor tcp://";
        }

        if (uri.Scheme == "unix" && !File.Exists(uri.AbsolutePath))
        {
            return $"DOCKER_HOST={host}: there is no socket at {uri.AbsolutePath}";
        }

        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                EndPoint endPoint = uri.Scheme == "unix" ? new UnixDomainSocketEndPoint(uri.AbsolutePath) : new DnsEndPoint(uri.Host, uri.Port);
                var socket = uri.Scheme == "unix"
                    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                    : new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(endPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler) { Timeout = PingTimeout };
        try
        {
            using var response = await client.GetAsync(new Uri("http://docker/_ping"));
            return response.IsSuccessStatusCode ? null : $"{host} answered /_ping with {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return $"{host} does not answer /_ping: {e.Message}";
        }
    }
}
