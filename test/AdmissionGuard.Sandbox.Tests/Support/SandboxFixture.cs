using AdmissionGuard.Testing;

namespace AdmissionGuard.Sandbox.Tests.Support;

/// <summary>A fresh sandbox per test (tests run in parallel and never share state) plus a kubectl for it.</summary>
internal sealed class SandboxFixture : IAsyncDisposable
{
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("kubectl-cache-");

    private SandboxFixture(SandboxServer server)
    {
        Server = server;
        Kubectl = new Kubectl(server.KubeconfigPath, _cache.FullName);
    }

    public SandboxServer Server { get; }

    public Kubectl Kubectl { get; }

    public static async Task<SandboxFixture> StartAsync(SandboxOptions? options = null) =>
        new(await SandboxServer.StartAsync(options, TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _cache.Delete(recursive: true);
    }
}
