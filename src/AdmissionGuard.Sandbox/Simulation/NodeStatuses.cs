using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// What a registered kubelet reports for its node: its conditions in the kubelet's order (no memory, disk or PID
/// pressure, then Ready), addresses, capacity (with the ephemeral storage and huge pages every kubelet reports), versions.
/// </summary>
internal static class NodeStatuses
{
    public static V1NodeStatus Ready(string nodeName, string nodeIp, DateTime now)
    {
        var capacity = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new("4"),
            ["ephemeral-storage"] = new("20959212Ki"),
            ["hugepages-1Gi"] = new("0"),
            ["hugepages-2Mi"] = new("0"),
            ["memory"] = new("16Gi"),
            ["pods"] = new("110"),
        };
        var status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = nodeIp }, new V1NodeAddress { Type = "Hostname", Address = nodeName }],
            Capacity = capacity,
            Allocatable = capacity,
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = "amd64",
                OperatingSystem = "linux",
                OsImage = "AdmissionGuard sandbox",
                KernelVersion = "6.1.0",
                KubeletVersion = "v1.32.0",
                KubeProxyVersion = "v1.32.0",
                ContainerRuntimeVersion = "containerd://1.7.24",
                MachineID = nodeName,
                SystemUUID = nodeName,
                BootID = nodeName,
            },
        };
        StatusConditions.Set(status, "MemoryPressure", "False", now, "KubeletHasSufficientMemory", "kubelet has sufficient memory available");
        StatusConditions.Set(status, "DiskPressure", "False", now, "KubeletHasNoDiskPressure", "kubelet has no disk pressure");
        StatusConditions.Set(status, "PIDPressure", "False", now, "KubeletHasSufficientPID", "kubelet has sufficient PID available");
        StatusConditions.Set(status, "Ready", "True", now, "KubeletReady", "kubelet is posting ready status");
        return status;
    }

    public static bool IsReady(V1Node node) =>
        node?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static string? InternalIp(V1Node node) =>
        node?.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address;
}
