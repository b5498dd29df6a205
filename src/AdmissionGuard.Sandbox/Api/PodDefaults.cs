using System.Text.Json.Nodes;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// What kube-apiserver 1.32 fills in on a pod before anyone else sees it, and on a workload's pod template: the core/v1
/// defaults (<c>pkg/apis/core/v1/defaults.go</c>), then, for pods only, the built-in admission plugins that mutate
/// before the webhooks (ServiceAccount's default name, Priority, DefaultTolerationSeconds; the rest of ServiceAccount's,
/// which reads the store, is <see cref="ServiceAccountAdmission"/>). Clients read these back on every pod
/// (<c>kubectl describe pod</c> prints the tolerations "for 300s"), and webhooks see them in the review.
/// Deliberately a subset: only the two built-in priority classes have a value.
/// </summary>
internal static class PodDefaults
{
    /// <summary>The DefaultTolerationSeconds plugin's default for both taints (its flags' default).</summary>
    public const int DefaultTolerationSeconds = 300;

    private const int DefaultFileMode = 420; // 0644, as Go writes it in JSON

    private static readonly string[] DefaultTolerated = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];
    private static readonly string[] Probes = ["livenessProbe", "readinessProbe", "startupProbe"];
    private static readonly string[] VolumesWithFileMode = ["secret", "configMap", "projected", "downwardAPI"];

    /// <summary>
    /// The PriorityClasses kube-apiserver creates at start-up (<c>scheduling.SystemPriorityClasses</c>). Pods name them,
    /// Cilium's agent <c>system-node-critical</c>; the Priority plugin reads other classes from the store.
    /// </summary>
    public static IReadOnlyList<V1PriorityClass> SystemPriorityClasses { get; } =
    [
        SystemPriorityClass("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."),
        SystemPriorityClass("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ];

    /// <summary>
    /// SetDefaults_Pod, then the ServiceAccount and DefaultTolerationSeconds plugins (Priority, which reads the store, is
    /// <see cref="ApplyPriority"/>): a pod's spec as the webhooks see it.
    /// </summary>
    public static void ApplyToPod(JsonObject spec)
    {
        ApplyToSpec(spec);
        var hostNetwork = (bool?)spec["hostNetwork"] == true;
        foreach (var container in Containers(spec))
        {
            RequestsFromLimits(container);
            foreach (var port in Items(container["ports"]))
            {
                // Pods only: the gate that does this in templates too (DefaultHostNetworkHostPortsInPodTemplates) is off.
                if (hostNetwork)
                {
                    port["hostPort"] ??= port["containerPort"]?.DeepClone();
                }
            }
        }

        spec["serviceAccountName"] ??= "default";
        spec["serviceAccount"] = spec["serviceAccountName"]!.DeepClone();
        AddDefaultTolerations(spec);
    }

    /// <summary>
    /// The Priority plugin: the pod's priority and preemption policy from the class it names, or 0 and
    /// <c>PreemptLowerPriority</c> when it names none (no class here is a global default).
    /// </summary>
    /// <exception cref="ApiException">403 when the class does not exist, as upstream.</exception>
    public static void ApplyPriority(JsonObject spec, string podName, Func<string, V1PriorityClass?> findClass)
    {
        ArgumentNullException.ThrowIfNull(findClass);
        if ((string?)spec["priorityClassName"] is not { Length: > 0 } className)
        {
            spec["priority"] ??= 0;
            spec["preemptionPolicy"] ??= "PreemptLowerPriority";
            return;
        }

        var found = findClass(className) ?? SystemPriorityClasses.FirstOrDefault(c => c.Metadata.Name == className)
            ?? throw new ApiException(ApiErrors.Forbidden(
                $"pods{(podName.Length > 0 ? $" \"{podName}\"" : "")} is forbidden: no PriorityClass with name {className} was found"));
        spec["priority"] = found.Value;
        spec["preemptionPolicy"] = found.PreemptionPolicy ?? "PreemptLowerPriority";
    }

    /// <summary>SetDefaults_PodSpec, SetDefaults_Container and the volume and probe defaults: pods and templates alike.</summary>
    public static void ApplyToSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["schedulerName"] ??= "default-scheduler";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["securityContext"] ??= new JsonObject();
        spec["enableServiceLinks"] ??= true;
        if ((string?)spec["serviceAccountName"] is null or "" && (string?)spec["serviceAccount"] is { Length: > 0 } deprecated)
        {
            spec["serviceAccountName"] = deprecated;
        }

        if (spec["serviceAccountName"] is not null)
        {
            spec["serviceAccount"] = spec["serviceAccountName"]!.DeepClone();
        }

        foreach (var container in Containers(spec))
        {
            container["imagePullPolicy"] ??= PullPolicyFor((string?)container["image"]);
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            foreach (var port in Items(container["ports"]))
            {
                port["protocol"] ??= "TCP";
            }

            foreach (var probe in Probes.Select(p => container[p]).OfType<JsonObject>())
            {
                probe["timeoutSeconds"] ??= 1;
                probe["periodSeconds"] ??= 10;
                probe["successThreshold"] ??= 1;
                probe["failureThreshold"] ??= 3;
                if (probe["httpGet"] is JsonObject httpGet)
                {
                    httpGet["path"] ??= "/";
                    httpGet["scheme"] ??= "HTTP";
                }
            }

            foreach (var env in Items(container["env"]))
            {
                if (env["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
                {
                    fieldRef["apiVersion"] ??= "v1";
                }
            }
        }

        foreach (var volume in Items(spec["volumes"]))
        {
            DefaultVolume(volume);
        }
    }

    /// <summary>
    /// The pod's QoS class, as the pod strategy sets it on create (<c>qos.GetPodQOS</c>): from the CPU and memory
    /// requests and limits of its containers and init containers, after requests were defaulted from limits.
    /// </summary>
    public static string QosClassOf(JsonObject spec)
    {
        var requests = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var guaranteed = true;
        foreach (var container in Containers(spec))
        {
            Add(requests, container["resources"]?["requests"] as JsonObject);
            var containerLimits = Add(limits, container["resources"]?["limits"] as JsonObject);
            guaranteed &= containerLimits.Contains("cpu") && containerLimits.Contains("memory");
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return "BestEffort";
        }

        return guaranteed && limits.Count == 2 && requests.Count == 2 && limits.All(l => requests.TryGetValue(l.Key, out var r) && r == l.Value)
            ? "Guaranteed"
            : "Burstable";

        // Only CPU and memory count, and only quantities above zero.
        static HashSet<string> Add(Dictionary<string, decimal> sums, JsonObject? quantities)
        {
            var counted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, text) in quantities ?? [])
            {
                // A quantity may arrive as a JSON number (YAML's cpu: 1); decoding has checked that it parses.
                if (name is "cpu" or "memory" && text is JsonValue value && new ResourceQuantity(value.TryGetValue<string>(out var quantity) ? quantity : value.ToJsonString()).ToDecimal() is > 0 and var amount)
                {
                    sums[name] = sums.GetValueOrDefault(name) + amount;
                    counted.Add(name);
                }
            }

            return counted;
        }
    }

    /// <summary>SetDefaults_Container: <c>Always</c> for an image tagged <c>latest</c> or not tagged nor pinned by digest.</summary>
    private static string PullPolicyFor(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastPart = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastPart.LastIndexOf(':');
        return colon < 0 || lastPart[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>SetDefaults_Pod: a resource with a limit and no request is requested at its limit.</summary>
    private static void RequestsFromLimits(JsonObject container)
    {
        if (container["resources"]?["limits"] is not JsonObject { Count: > 0 } limits)
        {
            return;
        }

        var resources = container["resources"]!.AsObject();
        var requests = resources["requests"] as JsonObject ?? [];
        foreach (var (name, limit) in limits)
        {
            requests[name] ??= limit?.DeepClone();
        }

        resources["requests"] = requests;
    }

    /// <summary>
    /// The DefaultTolerationSeconds plugin: a pod that does not tolerate the not-ready or unreachable NoExecute taint
    /// (a toleration with that key or none, and effect NoExecute or none) gets a toleration of it for 300 s.
    /// </summary>
    private static void AddDefaultTolerations(JsonObject spec)
    {
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var key in DefaultTolerated)
        {
            var tolerated = tolerations.OfType<JsonObject>().Any(t =>
                ((string?)t["key"] is null or "" || (string?)t["key"] == key) && (string?)t["effect"] is null or "" or "NoExecute");
            if (!tolerated)
            {
                tolerations.Add(new JsonObject
                {
                    ["key"] = key,
                    ["operator"] = "Exists",
                    ["effect"] = "NoExecute",
                    ["tolerationSeconds"] = DefaultTolerationSeconds,
                });
            }
        }

        spec["tolerations"] = tolerations;
    }

    private static void DefaultVolume(JsonObject volume)
    {
        foreach (var source in VolumesWithFileMode)
        {
            if (volume[source] is JsonObject withMode)
            {
                withMode["defaultMode"] ??= DefaultFileMode;
            }
        }

        if (volume["hostPath"] is JsonObject hostPath)
        {
            hostPath["type"] ??= "";
        }

        // SetDefaults_Volume: a volume with no source is an emptyDir.
        if (volume.All(p => p.Key == "name"))
        {
            volume["emptyDir"] = new JsonObject();
        }
    }

    /// <summary>
    /// The Priority plugin on update: a replace that leaves out the priority keeps the one given on create (validation
    /// refuses any other change to it).
    /// </summary>
    public static void KeepPriority(JsonObject spec, JsonObject oldSpec)
    {
        spec["priority"] ??= oldSpec["priority"]?.DeepClone();
        spec["preemptionPolicy"] ??= oldSpec["preemptionPolicy"]?.DeepClone();
    }

    private static V1PriorityClass SystemPriorityClass(string name, int value, string description) => new()
    {
        ApiVersion = "scheduling.k8s.io/v1",
        Kind = "PriorityClass",
        Metadata = new V1ObjectMeta { Name = name },
        Value = value,
        Description = description,
        PreemptionPolicy = "PreemptLowerPriority",
        GlobalDefault = false,
    };

    private static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        Items(spec["initContainers"]).Concat(Items(spec["containers"]));

    private static IEnumerable<JsonObject> Items(JsonNode? list) => (list as JsonArray ?? []).OfType<JsonObject>();
}
