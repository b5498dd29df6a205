using AdmissionGuard.Configuration;
using k8s;

namespace AdmissionGuard.Cluster;

/// <summary>Builds the one <see cref="Kubernetes"/> client of the process from the <c>Kubernetes</c> options.</summary>
internal static class KubernetesClientFactory
{
    public static Kubernetes Create(KubernetesOptions options) => new Kubernetes(BuildConfiguration(options));

    public static KubernetesClientConfiguration BuildConfiguration(KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kubeconfig.Length == 0 && options.Context.Length == 0)
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigFile(
            KubeconfigPath(options), options.Context.Length == 0 ? null : options.Context);
    }

    /// <summary>
    /// The kubeconfig a context is looked up in: the configured file, else the first file named by $KUBECONFIG,
    /// else ~/.kube/config (the order <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/> uses).
    /// </summary>
    public static string KubeconfigPath(KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kubeconfig.Length > 0)
        {
            return options.Kubeconfig;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        return fromEnvironment ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
    }
}
