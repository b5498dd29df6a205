using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Small manifests for simulation tests.</summary>
internal static class Manifests
{
    public static V1Pod Pod(string name, string ns = "default", IList<V1Toleration>? tolerations = null, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }], Tolerations = tolerations },
    };

    public static V1Toleration Tolerate(string key, string effect = "", long? seconds = null) =>
        new() { Key = key, OperatorProperty = "Exists", Effect = effect.Length == 0 ? null : effect, TolerationSeconds = seconds };

    public static V1PodTemplateSpec Template(string app) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = app, Image = "nginx" }] },
    };

    public static V1Deployment Deployment(string name, int replicas, string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name),
        },
    };

    public static V1ReplicaSet ReplicaSet(string name, int replicas, string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name),
        },
    };
}
