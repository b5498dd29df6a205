namespace AdmissionGuard.Tests.Support;

/// <summary>A private scratch directory, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryWorkspace : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("admissionguard-test-");

    public string Path => directory.FullName;

    public void Dispose() => directory.Delete(recursive: true);
}
