namespace AdmissionGuard.Commands;

/// <summary>
/// Options that mean the same for every command that reads the cluster (<c>serve</c>, <c>scan</c>): one definition,
/// a new instance per command.
/// </summary>
internal static class SharedSettings
{
    public static SettingOption Kubeconfig() =>
        SettingOption.Single<string?>("--kubeconfig", "Kubernetes:Kubeconfig", "kubeconfig path (default KUBECONFIG, ~/.kube/config, then in-cluster)");

    public static SettingOption Context() =>
        SettingOption.Single<string?>("--context", "Kubernetes:Context", "kubeconfig context (default: current)");

    public static SettingOption TaintKey() =>
        SettingOption.List("--taint-key", "Cni:TaintKeys", "taint key of nodes whose CNI is not ready (default node.cilium.io/agent-not-ready)");

    public static SettingOption ExcludeNamespace() =>
        SettingOption.List("--exclude-namespace", "Admission:ExcludedNamespaces", "namespace whose pods are never checked");

    public static SettingOption ExcludePods() =>
        SettingOption.Single<string?>("--exclude-pods", "Admission:ExcludedPodSelector", "label selector of pods never checked, e.g. 'app in (a,b)'");
}
