using AdmissionGuard.Configuration;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AdmissionGuard.Cluster;

/// <summary>Builds the one <see cref="Kubernetes"/> client of the process from the <c>Kubernetes</c> options.</summary>
internal static class KubernetesClientFactory
{
    // KubernetesClient reads kubeconfigs with its KubernetesYaml, which first maps the JSON names of every API model to
    // YAML: ~13 MB held for the life of the process and ~0.3 s of start-up CPU (scale-scenario, docs/performance.md). A
    // kubeconfig needs only its own models, which carry their YAML names.
    private static readonly IDeserializer KubeconfigYaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static Kubernetes Create(KubernetesOptions options) => new Kubernetes(BuildConfiguration(options));

    public static KubernetesClientConfiguration BuildConfiguration(KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = KubeconfigPath(options);
        if (options.Kubeconfig.Length == 0 && options.Context.Length == 0 && (KubeconfigVariable().Length > 1 || !File.Exists(path)))
        {
            // In a cluster, or several $KUBECONFIG files to merge: KubernetesClient's own order and merge.
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigObject(LoadKubeconfig(path), options.Context.Length == 0 ? null : options.Context);
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

        return KubeconfigVariable().FirstOrDefault() ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
    }

    /// <summary>A kubeconfig file, with the paths in it (certificates, keys) relative to its directory.</summary>
    /// <exception cref="KubeConfigException">The file is empty.</exception>
    public static K8SConfiguration LoadKubeconfig(string path)
    {
        var file = new FileInfo(path);
        using var reader = file.OpenText();
        var config = KubeconfigYaml.Deserialize<K8SConfiguration?>(reader) ?? throw new KubeConfigException($"kubeconfig '{file.FullName}' is empty");
        config.FileName = file.FullName;
        return config;
    }

    private static string[] KubeconfigVariable() =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
