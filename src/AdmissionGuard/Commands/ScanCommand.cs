using System.CommandLine;

namespace AdmissionGuard.Commands;

/// <summary><c>scan</c>: a one-shot report of the cluster, with the reconciler's rules, that changes nothing.</summary>
internal static class ScanCommand
{
    private const string Description =
        "Read the cluster once (list only, nothing is changed) and report with the reconciler's own rules: nodes still " +
        "tainted, pods held by the scheduling gate, pods at risk (they need the CNI and tolerate the taint of the tainted " +
        "node they are on), unmanaged pods (running without their CiliumEndpoint) with the reason, and pods too young " +
        "to judge yet (see --min-pod-age). " +
        "Exit code 0: no unmanaged pod; 1: unmanaged pods found; 2: bad arguments, or the cluster could not be read " +
        "within --timeout. Every setting can also be given as --Section:Key=value, as environment variable Section__Key, " +
        "or in appsettings.json (sections Kubernetes, Admission, Reconciler).";

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "table (default) or json (one object: taintedNodes, gatedPods, atRiskPods, unmanagedPods, detectorEnabled)",
            HelpName = "table|json",
            DefaultValueFactory = _ => "table",
        };
        output.AcceptOnlyFromAmong("table", "json");
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = $"give up (exit code 2) when the cluster cannot be read within this time ({DurationArgument.Examples}; default 60s)",
            CustomParser = DurationArgument.Parse,
        };
        SettingOption[] settings =
        [
            SharedSettings.Kubeconfig(),
            SharedSettings.Context(),
            SharedSettings.TaintKey(),
            SharedSettings.ExcludeNamespace(),
            SharedSettings.ExcludePods(),
            SettingOption.Duration("--min-pod-age", "Reconciler:MinPodAge", "pods that started more recently are not judged unmanaged yet, default 30s"),
            SettingOption.Single<string?>("--agent-namespace", "Cni:AgentNamespace", "namespace of the Cilium agent pods (default kube-system)"),
            SettingOption.Single<string?>("--agent-selector", "Cni:AgentSelector", "label selector of the Cilium agent pods (default k8s-app=cilium)"),
        ];
        var command = new Command("scan", Description) { output, timeout };
        foreach (var setting in settings)
        {
            command.Options.Add(setting.Option);
        }

        command.TreatUnmatchedTokensAsErrors = false;
        command.Action = new ScanAction(output, timeout, settings);
        return command;
    }
}
