using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed partial class DocumentationTests
{
    [Fact]
    public async Task Every_option_the_manifests_set_is_in_the_readme_configuration_reference()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var readme = await File.ReadAllTextAsync(RepositoryRoot.Combine("README.md"), cancellation);
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
            readme.Should().Contain($"| `{option}` |", $"the manifests set {name}");
        }
    }

    [Fact]
    public async Task Every_alert_is_in_the_readme_metrics_reference()
    {
        var readme = await File.ReadAllTextAsync(RepositoryRoot.Combine("README.md"), TestContext.Current.CancellationToken);
        var alerts = (await AlertRules.RulesAsync(TestContext.Current.CancellationToken)).Select(r => (string)r["alert"]);

        alerts.Should().OnlyContain(alert => readme.Contains($"| `{alert}` |", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"__\d+$")]
    private static partial Regex ArrayIndex();
}
