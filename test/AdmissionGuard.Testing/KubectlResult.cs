namespace AdmissionGuard.Testing;

internal sealed record KubectlResult(int ExitCode, string Output, string Error)
{
    /// <summary>Rows of a table output, split on runs of spaces.</summary>
    public IReadOnlyList<string[]> Rows =>
        [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.RegularExpressions.Regex.Split(line.Trim(), "\\s{2,}"))];
}
