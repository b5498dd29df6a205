namespace AdmissionGuard.Sandbox.Tests.Support;

/// <summary>A kubeconfig path in a directory of its own, removed on dispose.</summary>
internal sealed class TempKubeconfig : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sandbox-kubeconfig-");

    public string Path => System.IO.Path.Combine(_directory.FullName, "kubeconfig");

    public void Dispose() => _directory.Delete(recursive: true);
}
