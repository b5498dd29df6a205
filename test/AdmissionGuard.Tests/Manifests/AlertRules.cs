using AdmissionGuard.Tests.Support;
using YamlDotNet.Serialization;

namespace AdmissionGuard.Tests.Manifests;

/// <summary>
/// The alert rules as Prometheus reads them: the <c>spec</c> of config/prometheus/rules.yaml, the only copy.
/// </summary>
internal static class AlertRules
{
    public const string RulesFileName = "admissionguard.rules.yaml";

    public static string PrometheusRulePath => RepositoryRoot.Combine("config", "prometheus", "rules.yaml");

    public static string UnitTestPath => RepositoryRoot.Combine("config", "prometheus", "tests", "admissionguard.test.yaml");

    /// <summary>The PrometheusRule's spec as a plain rules file.</summary>
    public static async Task<string> RulesFileAsync(CancellationToken cancellationToken)
    {
        var spec = (await LoadAsync(PrometheusRulePath, cancellationToken))["spec"];
        return new SerializerBuilder().Build().Serialize(spec);
    }

    /// <summary>Every rule of every group, as the YAML maps they are.</summary>
    public static async Task<IReadOnlyList<Dictionary<object, object>>> RulesAsync(CancellationToken cancellationToken)
    {
        var spec = (Dictionary<object, object>)(await LoadAsync(PrometheusRulePath, cancellationToken))["spec"];
        return ((List<object>)spec["groups"])
            .Cast<Dictionary<object, object>>()
            .SelectMany(group => ((List<object>)group["rules"]).Cast<Dictionary<object, object>>())
            .ToList();
    }

    public static async Task<Dictionary<string, object>> LoadAsync(string path, CancellationToken cancellationToken) =>
        new DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object>>(await File.ReadAllTextAsync(path, cancellationToken));
}
