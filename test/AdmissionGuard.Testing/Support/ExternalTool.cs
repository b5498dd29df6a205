namespace AdmissionGuard.Tests.Support;

/// <summary>Finds command-line tools on PATH; tests that need one skip, with the reason, where it is missing.</summary>
internal static class ExternalTool
{
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The tool's full path, or a skipped test explaining what to install.</summary>
    public static string FindOrSkip(string name, string howToInstall)
    {
        var tool = Find(name);
        if (tool is null)
        {
            Assert.Skip($"{name} is not on PATH ({howToInstall}).");
        }

        return tool;
    }
}
