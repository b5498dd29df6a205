namespace AdmissionGuard.Tests.Support;

/// <summary>The checkout the tests run from: the nearest directory above the test binaries with the solution.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AdmissionGuard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AdmissionGuard.sln above {AppContext.BaseDirectory}.");
    }
}
