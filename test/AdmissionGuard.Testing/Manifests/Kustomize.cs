using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Manifests;

/// <summary>Renders kustomize directories with the kubectl on PATH (its built-in kustomize).</summary>
internal static class Kustomize
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Renders <paramref name="directory"/> (absolute, or relative to the repository root).</summary>
    public static async Task<RenderedManifests> RenderAsync(string directory, CancellationToken cancellationToken)
    {
        var kubectl = ExternalTool.FindOrSkip("kubectl", "kubectl 1.27+ renders the kustomize tree");
        var result = await ProcessRunner.RunAsync(kubectl, ["kustomize", directory], Timeout, cancellationToken);
        result.Succeeded.Should().BeTrue($"`kubectl kustomize {directory}` must render:\n{result.Output}");
        return RenderedManifests.Parse(result.StandardOutput);
    }

    /// <summary>
    /// Renders a throw-away overlay: <paramref name="kustomization"/> is written to a temporary directory,
    /// where <c>{config}</c> stands for the relative path to the repository's config/ directory.
    /// </summary>
    public static async Task<RenderedManifests> RenderOverlayAsync(string kustomization, CancellationToken cancellationToken)
    {
        using var overlay = new TempDirectory();
        // kustomize accepts bases outside the overlay only as relative paths.
        var config = Path.GetRelativePath(overlay.Path, RepositoryRoot.Combine("config"));
        await File.WriteAllTextAsync(
            Path.Combine(overlay.Path, "kustomization.yaml"),
            kustomization.Replace("{config}", config, StringComparison.Ordinal),
            cancellationToken);
        return await RenderAsync(overlay.Path, cancellationToken);
    }
}
