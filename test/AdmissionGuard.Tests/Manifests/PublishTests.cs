using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Manifests;

/// <summary>The image cannot be built here (no Docker engine); its publish step can, and must succeed.</summary>
public sealed partial class PublishTests
{
    [Fact]
    public async Task The_dockerfile_publish_step_produces_the_entry_point_the_image_runs()
    {
        var dockerfile = await File.ReadAllTextAsync(RepositoryRoot.Combine("Dockerfile"), TestContext.Current.CancellationToken);
        var publish = PublishArguments(dockerfile);
        var imageDirectory = publish[publish.IndexOf("-o") + 1];
        var entryPoint = EntryPoint().Match(dockerfile);
        entryPoint.Success.Should().BeTrue("the Dockerfile declares an exec-form ENTRYPOINT");
        entryPoint.Groups["directory"].Value.Should().Be(imageDirectory);
        dockerfile.Should().Contain($"COPY --from=build {imageDirectory} ");
        publish.Should().ContainInConsecutiveOrder("-c", "Release");

        using var output = new TempDirectory();
        publish[publish.IndexOf("-o") + 1] = output.Path;
        // The test must not leave MSBuild or compiler servers behind.
        var result = await ProcessRunner.RunAsync(
            "dotnet", [.. publish, "--disable-build-servers"], TimeSpan.FromMinutes(8), TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.Output);
        var executable = entryPoint.Groups["file"].Value;
        File.Exists(Path.Combine(output.Path, executable)).Should().BeTrue($"the ENTRYPOINT runs {imageDirectory}/{executable}");
        File.Exists(Path.Combine(output.Path, $"{executable}.dll")).Should().BeTrue();
        File.Exists(Path.Combine(output.Path, $"{executable}.runtimeconfig.json")).Should().BeTrue();
        Directory.GetFiles(output.Path).Select(Path.GetFileName)
            .Should().NotContain(file => HarnessAssembly(file!), "the image ships the guard alone, not the sandbox or the playground");
    }

    [Fact]
    public void The_product_assembly_references_neither_the_sandbox_nor_the_playground()
    {
        var references = typeof(AdmissionGuard.Commands.GuardCommandLine).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        references.Should().Contain("AdmissionGuard.Core").And.NotContain(name => HarnessAssembly(name));
    }

    private static bool HarnessAssembly(string name) =>
        name.StartsWith("AdmissionGuard.Sandbox", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("admissionguard-playground", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("AdmissionGuard.Playground", StringComparison.OrdinalIgnoreCase);

    /// <summary>The arguments after `dotnet` of the Dockerfile's `dotnet publish` command.</summary>
    private static List<string> PublishArguments(string dockerfile)
    {
        var joined = dockerfile.Replace("\\\n", " ", StringComparison.Ordinal);
        var command = PublishCommand().Match(joined);
        command.Success.Should().BeTrue("the Dockerfile runs dotnet publish");
        return [.. command.Groups["arguments"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    [GeneratedRegex(@"\bdotnet (?<arguments>publish [^\n]*)")]
    private static partial Regex PublishCommand();

    [GeneratedRegex("""^ENTRYPOINT \["(?<directory>/[^"]*)/(?<file>[^"/]+)"\]""", RegexOptions.Multiline)]
    private static partial Regex EntryPoint();
}
