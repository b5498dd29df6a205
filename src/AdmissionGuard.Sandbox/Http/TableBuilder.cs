using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// meta.k8s.io/v1 Table responses, the server-side printing kubectl asks for. Pods, nodes, events, DaemonSets,
/// Deployments, ReplicaSets, ControllerRevisions, PodDisruptionBudgets, Leases, webhook configurations and ValidatingAdmissionPolicies (and their bindings) get the columns of kube-apiserver's printers
/// (<c>pkg/printers/internalversion/printers.go</c>; priority 1 = shown with <c>-o wide</c>; as upstream's table
/// convertor, every row carries the wide cells too); role bindings ROLE (wide USERS, GROUPS, SERVICEACCOUNTS); namespaces
/// add STATUS; roles, cluster roles and CRDs get the default
/// convertor's NAME and CREATED AT; others NAME and AGE.
/// </summary>
internal sealed class TableBuilder(TimeProvider time)
{
    private const string None = "<none>";

    /// <summary>A step of <see cref="At"/>: the first item of an array (JSONPath's <c>[0]</c>).</summary>
    private const string FirstItem = "[0]";

    // Before the printers that spread them: static fields are initialized in the order they are written.
    private static readonly Column[] WorkloadWideColumns =
        [new("Containers", "string", "", 1), new("Images", "string", "", 1), new("Selector", "string", "", 1)];

    private static readonly Printer Generic = new([new("Name", "string", "name", 0), new("Age", "string", "", 0)], r => [r.Name, r.Age]);

    // The apiserver's default table convertor, for kinds without a printer of their own (roles, cluster roles, CRDs).
    private static readonly Printer CreatedAt = new(
        [new("Name", "string", "name", 0), new("Created At", "date", "", 0)],
        r => [r.Name, (string?)r.Object["metadata"]?["creationTimestamp"]]);

    private static readonly Printer RoleBindings = new(
        [
            new("Name", "string", "name", 0), new("Role", "string", "", 0), new("Age", "string", "", 0),
            new("Users", "string", "", 1), new("Groups", "string", "", 1), new("ServiceAccounts", "string", "", 1),
        ],
        r => [r.Name, $"{(string?)r.Object["roleRef"]?["kind"]}/{(string?)r.Object["roleRef"]?["name"]}", r.Age,
            Subjects(r.Object, "User"), Subjects(r.Object, "Group"), Subjects(r.Object, "ServiceAccount")]);

    private static readonly Printer WebhookConfigurations = new(
        [new("Name", "string", "name", 0), new("Webhooks", "integer", "", 0), new("Age", "string", "", 0)],
        r => [r.Name, (r.Object["webhooks"] as JsonArray)?.Count ?? 0, r.Age]);

    /// <summary>Each kind's columns and cells, as kube-apiserver's printers for that kind.</summary>
    private static readonly FrozenDictionary<ResourceType, Printer> Printers = new Dictionary<ResourceType, Printer>
    {
        [ResourceTypes.Pods] = new(
            [
                new("Name", "string", "name", 0), new("Ready", "string", "", 0), new("Status", "string", "", 0),
                new("Restarts", "string", "", 0), new("Age", "string", "", 0), new("IP", "string", "", 1),
                new("Node", "string", "", 1), new("Nominated Node", "string", "", 1), new("Readiness Gates", "string", "", 1),
            ],
            r => [r.Name, PodReady(r.Object), PodStatus(r.Object), PodRestarts(r.Object), r.Age, Text(r.Status?["podIP"]),
                Text(r.Spec?["nodeName"]), Text(r.Status?["nominatedNodeName"]), ReadinessGates(r.Object)]),
        [ResourceTypes.Nodes] = new(
            [
                new("Name", "string", "name", 0), new("Status", "string", "", 0), new("Roles", "string", "", 0),
                new("Age", "string", "", 0), new("Version", "string", "", 0), new("Internal-IP", "string", "", 1),
                new("External-IP", "string", "", 1), new("OS-Image", "string", "", 1), new("Kernel-Version", "string", "", 1),
                new("Container-Runtime", "string", "", 1),
            ],
            r => [r.Name, NodeStatus(r.Object), NodeRoles(r.Object), r.Age, (string?)r.Status?["nodeInfo"]?["kubeletVersion"] ?? "",
                NodeAddress(r.Object, "InternalIP"), NodeAddress(r.Object, "ExternalIP"), Unknown(r.Status?["nodeInfo"]?["osImage"]),
                Unknown(r.Status?["nodeInfo"]?["kernelVersion"]), Unknown(r.Status?["nodeInfo"]?["containerRuntimeVersion"])]),
        [ComponentStatuses.Resource] = new(
            [new("Name", "string", "name", 0), new("Status", "string", "", 0), new("Message", "string", "", 0), new("Error", "string", "", 0)],
            ComponentStatusCells),
        [ResourceTypes.Namespaces] = new(
            [new("Name", "string", "name", 0), new("Status", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, (string?)r.Status?["phase"] ?? "", r.Age]),
        [ResourceTypes.Events] = new(
            [
                new("Last Seen", "string", "", 0), new("Type", "string", "", 0), new("Reason", "string", "", 0),
                new("Object", "string", "", 0), new("Subobject", "string", "", 1), new("Source", "string", "", 1),
                new("Message", "string", "", 0), new("First Seen", "string", "", 1), new("Count", "string", "", 1),
                new("Name", "string", "name", 1),
            ],
            EventCells),
        [ResourceTypes.DaemonSets] = new(
            [
                new("Name", "string", "name", 0), new("Desired", "integer", "", 0), new("Current", "integer", "", 0),
                new("Ready", "integer", "", 0), new("Up-to-date", "integer", "", 0), new("Available", "integer", "", 0),
                new("Node Selector", "string", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
            ],
            r => [r.Name, Count(r.Status?["desiredNumberScheduled"]), Count(r.Status?["currentNumberScheduled"]),
                Count(r.Status?["numberReady"]), Count(r.Status?["updatedNumberScheduled"]), Count(r.Status?["numberAvailable"]),
                FormatLabels(r.Spec?["template"]?["spec"]?["nodeSelector"]), r.Age, .. WorkloadWideCells(r.Spec)]),
        [ResourceTypes.Deployments] = new(
            [
                new("Name", "string", "name", 0), new("Ready", "string", "", 0), new("Up-to-date", "integer", "", 0),
                new("Available", "integer", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
            ],
            r => [r.Name, $"{Count(r.Status?["readyReplicas"])}/{Count(r.Spec?["replicas"])}", Count(r.Status?["updatedReplicas"]),
                Count(r.Status?["availableReplicas"]), r.Age, .. WorkloadWideCells(r.Spec)]),
        [ResourceTypes.ReplicaSets] = new(
            [
                new("Name", "string", "name", 0), new("Desired", "integer", "", 0), new("Current", "integer", "", 0),
                new("Ready", "integer", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
            ],
            r => [r.Name, Count(r.Spec?["replicas"]), Count(r.Status?["replicas"]), Count(r.Status?["readyReplicas"]), r.Age, .. WorkloadWideCells(r.Spec)]),
        [ResourceTypes.StatefulSets] = new(
            [new("Name", "string", "name", 0), new("Ready", "string", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns],
            r => [r.Name, $"{Count(r.Status?["readyReplicas"])}/{Count(r.Spec?["replicas"])}", r.Age, .. WorkloadWideCells(r.Spec)]),
        [ResourceTypes.PodDisruptionBudgets] = new(
            [
                new("Name", "string", "name", 0), new("Min Available", "string", "", 0), new("Max Unavailable", "string", "", 0),
                new("Allowed Disruptions", "integer", "", 0), new("Age", "string", "", 0),
            ],
            r => [r.Name, NotApplicable(r.Spec?["minAvailable"]), NotApplicable(r.Spec?["maxUnavailable"]), Count(r.Status?["disruptionsAllowed"]), r.Age]),
        [ResourceTypes.ControllerRevisions] = new(
            [new("Name", "string", "name", 0), new("Controller", "string", "", 0), new("Revision", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, ControllerName(r.Object), (long?)r.Object["revision"] ?? 0, r.Age]),
        [ResourceTypes.Services] = new(
            [
                new("Name", "string", "name", 0), new("Type", "string", "", 0), new("Cluster-IP", "string", "", 0),
                new("External-IP", "string", "", 0), new("Port(s)", "string", "", 0), new("Age", "string", "", 0),
                new("Selector", "string", "", 1),
            ],
            r => [r.Name, (string?)r.Spec?["type"] ?? "", Text(r.Spec?["clusterIP"]), ServiceExternalIp(r.Object),
                ServicePorts(r.Spec?["ports"] as JsonArray), r.Age, FormatLabels(r.Spec?["selector"])]),
        [ResourceTypes.Endpoints] = new(
            [new("Name", "string", "name", 0), new("Endpoints", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, EndpointAddresses(r.Object["subsets"] as JsonArray), r.Age]),
        [ResourceTypes.EndpointSlices] = new(
            [
                new("Name", "string", "name", 0), new("AddressType", "string", "", 0), new("Ports", "string", "", 0),
                new("Endpoints", "string", "", 0), new("Age", "string", "", 0),
            ],
            r => [r.Name, (string?)r.Object["addressType"] ?? "",
                ListWithMore([.. (r.Object["ports"] as JsonArray ?? []).Select(p => p?["port"]?.ToString() ?? (string?)p?["name"] ?? "*")]),
                ListWithMore([.. (r.Object["endpoints"] as JsonArray ?? []).SelectMany(e => (e?["addresses"] as JsonArray ?? []).Select(a => (string?)a ?? ""))]),
                r.Age]),
        [ResourceTypes.ServiceAccounts] = new(
            [new("Name", "string", "name", 0), new("Secrets", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, (r.Object["secrets"] as JsonArray)?.Count ?? 0, r.Age]),
        [ResourceTypes.Leases] = new(
            [new("Name", "string", "name", 0), new("Holder", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, (string?)r.Spec?["holderIdentity"] ?? "", r.Age]),
        [ResourceTypes.PriorityClasses] = new(
            [
                new("Name", "string", "name", 0), new("Value", "integer", "", 0), new("Global-Default", "boolean", "", 0),
                new("Age", "string", "", 0), new("PreemptionPolicy", "string", "", 0),
            ],
            r => [r.Name, (long?)r.Object["value"] ?? 0, (bool?)r.Object["globalDefault"] ?? false, r.Age, (string?)r.Object["preemptionPolicy"] ?? ""]),
        [ResourceTypes.MutatingWebhookConfigurations] = WebhookConfigurations,
        [ResourceTypes.ValidatingWebhookConfigurations] = WebhookConfigurations,
        [ResourceTypes.ValidatingAdmissionPolicies] = new(
            [new("Name", "string", "name", 0), new("Validations", "integer", "", 0), new("ParamKind", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, (r.Spec?["validations"] as JsonArray)?.Count ?? 0,
                r.Spec?["paramKind"] is JsonObject kind ? $"{(string?)kind["apiVersion"]}/{(string?)kind["kind"]}" : "<unset>", r.Age]),
        [ResourceTypes.ValidatingAdmissionPolicyBindings] = new(
            [new("Name", "string", "name", 0), new("PolicyName", "string", "", 0), new("ParamRef", "string", "", 0), new("Age", "string", "", 0)],
            r => [r.Name, (string?)r.Spec?["policyName"] ?? "",
                r.Spec?["paramRef"] is JsonObject reference ? $"{(string?)reference["namespace"] ?? "*"}/{(string?)reference["name"] ?? "*"}" : "<unset>", r.Age]),
        [ResourceTypes.Roles] = CreatedAt,
        [ResourceTypes.RoleBindings] = RoleBindings,
        [ResourceTypes.ClusterRoleBindings] = RoleBindings,
        [ResourceTypes.ClusterRoles] = CreatedAt,
        [ResourceTypes.CustomResourceDefinitions] = CreatedAt,

        // Cilium's CRD (pkg/k8s/apis/cilium.io/v2, its printcolumn markers), printed as the apiextensions server prints
        // additionalPrinterColumns: no Age, and a null cell (kubectl leaves it empty) where the path finds nothing.
        [ResourceTypes.CiliumEndpoints] = new(
            [
                new("Name", "string", "name", 0), new("Security Identity", "integer", "", 0), new("Ingress Enforcement", "string", "", 1),
                new("Egress Enforcement", "string", "", 1), new("Visibility Policy", "string", "", 1), new("Endpoint State", "string", "", 0),
                new("IPv4", "string", "", 0), new("IPv6", "string", "", 0),
            ],
            r => [r.Name, Integer(At(r.Status, "identity", "id")), TextOrNull(At(r.Status, "policy", "ingress", "state")),
                TextOrNull(At(r.Status, "policy", "egress", "state")), TextOrNull(At(r.Status, "visibility-policy-status")),
                TextOrNull(At(r.Status, "state")), TextOrNull(At(r.Status, "networking", "addressing", FirstItem, "ipv4")),
                TextOrNull(At(r.Status, "networking", "addressing", FirstItem, "ipv6"))]),
    }.ToFrozenDictionary();

    /// <param name="includeObject">The includeObject query parameter: None, Metadata (default) or Object.</param>
    public JsonObject Build(ResourceType type, IEnumerable<StoredObject> objects, string? resourceVersion, string? continueToken, string? includeObject)
    {
        var printer = Printers.GetValueOrDefault(type) ?? Generic;
        var now = time.GetUtcNow();
        var rows = new JsonArray();
        foreach (var stored in objects)
        {
            var obj = stored.ToJsonObject();
            var row = new Row(obj, (string?)obj["metadata"]?["name"] ?? "", Since(obj["metadata"]?["creationTimestamp"], now) ?? "<unknown>", now);
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray([.. printer.Cells(row)]),
                ["object"] = RowObject(obj, includeObject),
            });
        }

        var metadata = new JsonObject();
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray([.. printer.Columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            })]),
            ["rows"] = rows,
        };
    }

    /// <summary>Upstream's printComponentStatus: its Healthy condition as Healthy or Unhealthy, with message and error.</summary>
    private static IEnumerable<JsonNode?> ComponentStatusCells(Row row)
    {
        var healthy = (row.Object["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Healthy");
        var status = healthy is null ? "Unknown" : (string?)healthy["status"] == "True" ? "Healthy" : "Unhealthy";
        return [row.Name, status, (string?)healthy?["message"] ?? "", (string?)healthy?["error"] ?? ""];
    }

    /// <summary>Upstream's printEvent: series, then lastTimestamp, then the first time; the object as <c>kind/name</c>.</summary>
    private static IEnumerable<JsonNode?> EventCells(Row row)
    {
        var obj = row.Object;
        var first = Since(obj["firstTimestamp"], row.Now) ?? Since(obj["eventTime"], row.Now) ?? "<unknown>";
        var last = Since(obj["lastTimestamp"], row.Now) ?? first;
        var count = Count(obj["count"]);
        if (obj["series"] is JsonObject series)
        {
            last = Since(series["lastObservedTime"], row.Now) ?? last;
            count = Count(series["count"]);
        }
        else if (count == 0)
        {
            count = 1;
        }

        var involved = obj["involvedObject"];
        var kind = ((string?)involved?["kind"] ?? "").ToLowerInvariant();
        var target = (string?)involved?["name"] is { Length: > 0 } objectName ? $"{kind}/{objectName}" : kind;
        return [last, (string?)obj["type"] ?? "", (string?)obj["reason"] ?? "", target, (string?)involved?["fieldPath"] ?? "",
            EventSource(obj), ((string?)obj["message"] ?? "").Trim(), first, count, row.Name];
    }

    /// <summary>Upstream's formatEventSource: the source component (else the reporting controller) and its host.</summary>
    private static string EventSource(JsonObject obj)
    {
        var component = (string?)obj["source"]?["component"] is { Length: > 0 } source ? source : (string?)obj["reportingComponent"] ?? "";
        var host = (string?)obj["source"]?["host"] is { Length: > 0 } sourceHost ? sourceHost : (string?)obj["reportingInstance"] ?? "";
        return host.Length > 0 ? $"{component}, {host}" : component;
    }

    /// <summary>How long ago a timestamp was, as kubectl rounds it; null when absent or unreadable.</summary>
    private static string? Since(JsonNode? timestamp, DateTimeOffset now) =>
        Rfc3339.TryParse((string?)timestamp, out var at)
            ? HumanDuration(now - at)
            : null;

    private static JsonNode?[] WorkloadWideCells(JsonNode? spec)
    {
        var containers = (spec?["template"]?["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return
        [
            string.Join(',', containers.Select(c => (string?)c["name"] ?? "")),
            string.Join(',', containers.Select(c => (string?)c["image"] ?? "")),
            Selector(spec?["selector"]),
        ];
    }

    /// <summary>Upstream's formatResourceName of the controller reference: <c>kind.group/name</c> in lower case, <c>&lt;none&gt;</c> without one.</summary>
    private static string ControllerName(JsonObject obj)
    {
        var controller = (obj["metadata"]?["ownerReferences"] as JsonArray)?.FirstOrDefault(o => (bool?)o?["controller"] == true);
        if (controller is null)
        {
            return None;
        }

        var apiVersion = (string?)controller["apiVersion"] ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        var kind = (string?)controller["kind"] ?? "";
        var groupKind = group.Length == 0 ? kind : $"{kind}.{group}";
        var name = (string?)controller["name"] ?? "";
        return groupKind.Length == 0 ? name : $"{groupKind.ToLowerInvariant()}/{name}";
    }

    private static int Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var count) ? count : 0;

    private static string NotApplicable(JsonNode? node) => node is null ? "N/A" : node.ToString();

    /// <summary>printService's External-IP: a load balancer's ingress (or <c>&lt;pending&gt;</c>), the external IPs, an ExternalName's name.</summary>
    private static string ServiceExternalIp(JsonObject service)
    {
        var spec = service["spec"];
        var external = (spec?["externalIPs"] as JsonArray ?? []).Select(ip => ip?.ToString() ?? "").ToList();
        switch ((string?)spec?["type"])
        {
            case "ExternalName":
                return (string?)spec?["externalName"] ?? None;
            case "LoadBalancer":
                var ingress = (service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
                    .Select(i => (string?)i?["ip"] ?? (string?)i?["hostname"]).OfType<string>();
                List<string> addresses = [.. ingress, .. external];
                return addresses.Count > 0 ? string.Join(',', addresses) : "<pending>";
            default:
                return external.Count > 0 ? string.Join(',', external) : None;
        }
    }

    /// <summary>
    /// formatEndpoints: the ready addresses as <c>ip:port</c> for each port of their subset (bare IPs where it has none),
    /// the first three and <c>+ N more...</c>; <c>&lt;none&gt;</c> without subsets.
    /// </summary>
    private static string EndpointAddresses(JsonArray? subsets)
    {
        if (subsets is not { Count: > 0 })
        {
            return None;
        }

        var all = subsets.SelectMany(subset =>
        {
            var addresses = (subset?["addresses"] as JsonArray ?? []).Select(a => (string?)a?["ip"] ?? "").ToList();
            return subset?["ports"] is JsonArray { Count: > 0 } ports
                ? ports.SelectMany(port => addresses.Select(ip => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port?["port"]}" : $"{ip}:{port?["port"]}"))
                : addresses;
        }).ToList();
        return FirstThree(all);
    }

    /// <summary>listWithMoreString (formatDiscoveryPorts, formatDiscoveryEndpoints): the first three, <c>+ N more...</c>; <c>&lt;unset&gt;</c> for none.</summary>
    private static string ListWithMore(IReadOnlyList<string> items) => items.Count > 0 ? FirstThree(items) : "<unset>";

    /// <summary>How kubectl's printers shorten a list: the first three, then <c>+ N more...</c>.</summary>
    private static string FirstThree(IReadOnlyList<string> items)
    {
        const int Shown = 3;
        var shown = string.Join(',', items.Take(Shown));
        return items.Count > Shown ? $"{shown} + {items.Count - Shown} more..." : shown;
    }

    /// <summary>printService's Port(s): <c>80/TCP</c>, with the node port <c>80:30080/TCP</c>.</summary>
    private static string ServicePorts(JsonArray? ports) =>
        ports is { Count: > 0 }
            ? string.Join(',', ports.Select(p => (int?)p?["nodePort"] is > 0 and var nodePort
                ? $"{p?["port"]}:{nodePort}/{p?["protocol"]}"
                : $"{p?["port"]}/{p?["protocol"]}"))
            : None;

    /// <summary>labels.FormatLabels: <c>k=v</c> pairs sorted by key, <c>&lt;none&gt;</c> when empty.</summary>
    private static string FormatLabels(JsonNode? node) =>
        node is JsonObject { Count: > 0 } selector
            ? string.Join(',', selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))
            : None;

    private static string Selector(JsonNode? node)
    {
        if (node is not JsonObject selector)
        {
            return "";
        }

        try
        {
            return LabelSelector.FromModel(KubernetesJson.Deserialize<V1LabelSelector>(selector.ToJsonString())) is { IsEverything: false } parsed
                ? parsed.ToString()
                : "";
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return "<invalid>";
        }
    }

    private static JsonObject? RowObject(JsonObject obj, string? includeObject) => includeObject switch
    {
        "None" => null,
        "Object" => obj,
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = obj["metadata"]?.DeepClone(),
        },
    };

    private static string PodReady(JsonObject pod)
    {
        var total = (pod["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = (pod["status"]?["containerStatuses"] as JsonArray)?.Count(s => (bool?)s?["ready"] == true) ?? 0;
        return $"{ready}/{total}";
    }

    private static string PodStatus(JsonObject pod)
    {
        var status = pod["status"];
        var reason = (string?)status?["reason"] ?? (string?)status?["phase"] ?? "";
        if (status?["conditions"] is JsonArray conditions
            && conditions.Any(c => (string?)c?["type"] == "PodScheduled" && (string?)c?["reason"] == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        if (status?["containerStatuses"] is JsonArray containers)
        {
            foreach (var container in containers.Reverse())
            {
                var state = container?["state"];
                if ((string?)state?["waiting"]?["reason"] is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (state?["terminated"] is JsonObject terminated)
                {
                    reason = (string?)terminated["reason"] ?? $"ExitCode:{(int?)terminated["exitCode"] ?? 0}";
                }
            }
        }

        return pod["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : reason;
    }

    private static string PodRestarts(JsonObject pod) =>
        ((pod["status"]?["containerStatuses"] as JsonArray)?.Sum(s => (int?)s?["restartCount"] ?? 0) ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string ReadinessGates(JsonObject pod)
    {
        if (pod["spec"]?["readinessGates"] is not JsonArray { Count: > 0 } gates)
        {
            return None;
        }

        var conditions = pod["status"]?["conditions"] as JsonArray;
        var passing = gates.Count(g => conditions?.Any(c => (string?)c?["type"] == (string?)g?["conditionType"] && (string?)c?["status"] == "True") == true);
        return $"{passing}/{gates.Count}";
    }

    private static string NodeStatus(JsonObject node)
    {
        var ready = (node["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == "Ready");
        var status = (string?)ready?["status"] switch
        {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        };
        return (bool?)node["spec"]?["unschedulable"] == true ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonObject node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        if (node["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                {
                    roles.Add(key[prefix.Length..]);
                }
                else if (key == "kubernetes.io/role" && value is not null)
                {
                    roles.Add(value.ToString());
                }
            }
        }

        return roles.Count == 0 ? None : string.Join(',', roles);
    }

    private static string NodeAddress(JsonObject node, string addressType) =>
        (string?)(node["status"]?["addresses"] as JsonArray)?.FirstOrDefault(a => (string?)a?["type"] == addressType)?["address"] ?? None;

    /// <summary>A binding's subjects of one kind, as rbac.SubjectsStrings names them (service accounts as namespace/name).</summary>
    private static string Subjects(JsonObject binding, string kind) => string.Join(", ",
        (binding["subjects"] as JsonArray ?? []).Where(s => (string?)s?["kind"] == kind)
            .Select(s => kind == "ServiceAccount" ? $"{(string?)s!["namespace"]}/{(string?)s["name"]}" : (string?)s!["name"]));

    private static string Text(JsonNode? node) => node is null || node.ToString().Length == 0 ? None : node.ToString();

    /// <summary>
    /// What a CRD column's JSONPath finds: object fields by name, <see cref="FirstItem"/> for an array's first item;
    /// null where the path finds nothing (an absent field, an empty list), as upstream's FindResults.
    /// </summary>
    private static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var step in path)
        {
            node = step == FirstItem ? node is JsonArray { Count: > 0 } items ? items[0] : null : (node as JsonObject)?[step];
        }

        return node;
    }

    /// <summary>A CRD column of type string: the value's text, null where there is none.</summary>
    private static string? TextOrNull(JsonNode? node) => node is JsonValue value ? value.ToString() : null;

    /// <summary>A CRD column of type integer: the number, null where there is none or it is not one.</summary>
    private static long? Integer(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    private static string Unknown(JsonNode? node) => node is null || node.ToString().Length == 0 ? "<unknown>" : node.ToString();

    /// <summary>kubectl's rounding of ages: seconds below two minutes, then coarser units.</summary>
    internal static string HumanDuration(TimeSpan age)
    {
        var seconds = (long)age.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 120)
        {
            return $"{Math.Max(seconds, 0)}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        }

        if (days < 365 * 2)
        {
            return $"{days}d";
        }

        return days < 365 * 8 && days % 365 != 0 ? $"{days / 365}y{days % 365}d" : $"{days / 365}y";
    }

    private sealed record Column(string Name, string Type, string Format, int Priority);

    /// <summary>A kind's columns and how one object fills them (always with the wide cells, as upstream).</summary>
    private sealed record Printer(Column[] Columns, Func<Row, IEnumerable<JsonNode?>> Cells);

    /// <summary>What a printer reads: the object, its name and age, and the time ages count to.</summary>
    private readonly record struct Row(JsonObject Object, string Name, string Age, DateTimeOffset Now)
    {
        public JsonNode? Spec => Object["spec"];

        public JsonNode? Status => Object["status"];
    }
}
