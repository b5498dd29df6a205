using AdmissionGuard.Cluster;
using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Checks at start-up what the client would otherwise only discover on its first request: that the kubeconfig
/// exists, parses, and holds the requested context.
/// </summary>
internal sealed class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    private const string Section = KubernetesOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionRules(Section);
        rules.InRange(nameof(options.CacheStaleness), options.CacheStaleness, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (rules.Result() is { Failed: true } staleness)
        {
            return staleness;
        }

        if (options.Kubeconfig.Length > 0 && !File.Exists(options.Kubeconfig))
        {
            return ValidateOptionsResult.Fail($"{Section}:Kubeconfig: file '{options.Kubeconfig}' does not exist");
        }

        var path = KubernetesClientFactory.KubeconfigPath(options);
        if (options.Context.Length == 0)
        {
            return options.Kubeconfig.Length > 0 || File.Exists(path) || KubernetesClientConfiguration.IsInCluster()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{Section}:Kubeconfig: not set, no kubeconfig at '{path}' and not running in a cluster: nothing to connect to");
        }

        if (!File.Exists(path))
        {
            return ValidateOptionsResult.Fail($"{Section}:Context: '{options.Context}' needs a kubeconfig, and there is none at '{path}'");
        }

        try
        {
            var contexts = KubernetesClientFactory.LoadKubeconfig(path).Contexts?.Select(c => c.Name).ToList() ?? [];
            return contexts.Contains(options.Context)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{Section}:Context: '{options.Context}' is not in '{path}' (contexts: {string.Join(", ", contexts)})");
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            return ValidateOptionsResult.Fail($"{Section}:Kubeconfig: '{path}' is not a readable kubeconfig: {e.Message}");
        }
    }
}
