using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed partial class DocumentationTests
{
    [Fact]
    public async Task Every_option_the_manifests_set_is_in_the_configuration_reference()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var reference = await File.ReadAllTextAsync(RepositoryRoot.Combine("docs/configuration.md"), cancellation);
        var everyComponent = await Kustomize.RenderOverlayAsync(
            "resources: [{config}/default]\ncomponents: [{config}/dry-run, {config}/restart-delete]", cancellation);
        var selfManaged = await Kustomize.RenderAsync("config/default-self-managed", cancellation);

        var environmentNames = new[] { everyComponent, selfManaged }
            .SelectMany(m => m.All<V1ConfigMap>().SelectMany(c => c.Data.Keys)
                .Concat(m.Single<V1Deployment>("admissionguard").Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name)))
            .Where(name => name.Contains("__", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        environmentNames.Should().NotBeEmpty();
        foreach (var name in environmentNames)
        {
            var option = ArrayIndex().Replace(name, "").Replace("__", ":", StringComparison.Ordinal);
            reference.Should().Contain($"| `{option}` |", $"the manifests set {name}");
        }
    }

    [Fact]
    public async Task Every_alert_is_in_the_metrics_reference()
    {
        var reference = await File.ReadAllTextAsync(RepositoryRoot.Combine("docs/metrics.md"), TestContext.Current.CancellationToken);
        var alerts = (await AlertRules.RulesAsync(TestContext.Current.CancellationToken)).Select(r => (string)r["alert"]);

        alerts.Should().OnlyContain(alert => reference.Contains($"| `{alert}` |", StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_is_a_front_door_and_every_relative_link_in_the_docs_resolves()
    {
        var readme = RepositoryRoot.Combine("README.md");
        File.ReadAllLines(readme).Length.Should().BeLessThanOrEqualTo(250, "the manual lives in docs/");

        var pages = Directory.GetFiles(RepositoryRoot.Combine("docs"), "*.md").Append(readme).Append(RepositoryRoot.Combine("CHANGELOG.md"));
        var broken = pages
            .SelectMany(page => RelativeLink().Matches(File.ReadAllText(page))
                .Select(m => (Page: Path.GetFileName(page), Target: m.Groups["target"].Value,
                    Path: Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, m.Groups["target"].Value)))))
            .Where(link => !File.Exists(link.Path) && !Directory.Exists(link.Path))
            .Select(link => $"{link.Page} -> {link.Target}");

        broken.Should().BeEmpty();
    }

    /// <summary>Markdown links to files of the repository: no scheme, the anchor dropped.</summary>
    [GeneratedRegex(@"\]\((?<target>(?![a-z]+:)[^)#\s]+)(#[^)]*)?\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"__\d+$")]
    private static partial Regex ArrayIndex();
}
