using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// What kube-apiserver 1.32 does to a Service besides storing it, on a single-stack IPv4 cluster with the default
/// <c>--service-cluster-ip-range=10.96.0.0/12</c> and <c>--service-node-port-range=30000-32767</c>: the core/v1 defaults
/// (<c>type: ClusterIP</c>, <c>sessionAffinity: None</c>, each port's <c>protocol: TCP</c> and <c>targetPort</c> = its
/// port, the traffic policies), then the REST storage's allocation after mutating admission: a cluster IP (or the one
/// asked for, if free and in range) with <c>clusterIPs</c>, <c>ipFamilies</c> and <c>ipFamilyPolicy</c>, and a node
/// port per port of a NodePort or LoadBalancer Service. An update keeps what was allocated when the new object leaves
/// it out (as a <c>kubectl replace</c> of an edited manifest does) and refuses to change a cluster IP. Released with the
/// Service: what is allocated is read from the stored Services, not kept beside them.
/// </summary>
internal static class ServiceRules
{
    /// <summary>The apiserver's own Service, <c>default/kubernetes</c>, holds the range's first address.</summary>
    public const string KubernetesServiceIp = "10.96.0.1";

    private const string Range = "10.96.0.0/12";
    private const uint RangeStart = (10u << 24) | (96u << 16);
    private const uint RangeSize = 1u << 20;

    // The allocator hands out addresses from above the range's lower band first and keeps that band (min(max(16, size/16),
    // 256) addresses) for the addresses users pick, such as kube-dns's 10.96.0.10 (KEP-3070).
    private const uint StaticBand = 256;
    private const int FirstNodePort = 30000;
    private const int LastNodePort = 32767;
    private const int NodePortStaticBand = 86;

    /// <summary><c>SetDefaults_Service</c> and its ports' defaults.</summary>
    public static void ApplyDefaults(JsonObject service)
    {
        if (service["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["type"] ??= "ClusterIP";
        var type = (string?)spec["type"];
        spec["sessionAffinity"] ??= "None";
        if ((string?)spec["sessionAffinity"] == "ClientIP")
        {
            var config = spec["sessionAffinityConfig"] as JsonObject ?? [];
            var clientIp = config["clientIP"] as JsonObject ?? [];
            clientIp["timeoutSeconds"] ??= 10800;
            config["clientIP"] = clientIp;
            spec["sessionAffinityConfig"] = config;
        }

        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            if (port["targetPort"] is null || port["targetPort"]!.ToString() is "0" or "")
            {
                port["targetPort"] = port["port"]?.DeepClone();
            }
        }

        if (type is "NodePort" or "LoadBalancer")
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }

        if (type != "ExternalName")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }
    }

    /// <summary>
    /// Allocates what <paramref name="service"/> lacks, after mutating admission; <paramref name="old"/> is the stored
    /// Service on an update, null on a create. <paramref name="others"/> are every other stored Service.
    /// </summary>
    /// <returns>What keeps it from being allocated: the causes of a 422, as kube-apiserver words them.</returns>
    public static List<V1StatusCause> Allocate(JsonObject service, JsonObject? old, IEnumerable<JsonObject> others)
    {
        var causes = new List<V1StatusCause>();
        if (service["spec"] is not JsonObject spec)
        {
            return causes;
        }

        var oldSpec = old?["spec"] as JsonObject;
        if (oldSpec is not null)
        {
            DropTypeDependentFields(spec, oldSpec);
        }

        if ((string?)spec["type"] == "ExternalName")
        {
            return causes;
        }

        KeepAllocated(spec, oldSpec);
        var asked = (string?)spec["clusterIP"] ?? (string?)(spec["clusterIPs"] as JsonArray)?.FirstOrDefault();
        var oldIp = (string?)oldSpec?["clusterIP"];
        if (!string.IsNullOrEmpty(oldIp) && asked != oldIp)
        {
            causes.Add(ApiErrors.InvalidValue("spec.clusterIP", asked ?? "", "field is immutable"));
            return causes;
        }

        var headless = asked == "None";
        var selectorless = spec["selector"] is not JsonObject { Count: > 0 };
        // Upstream asks both families for a headless Service without a selector; it gets them even on a single-stack cluster.
        spec["ipFamilyPolicy"] ??= headless && selectorless ? "RequireDualStack" : "SingleStack";
        spec["ipFamilies"] ??= headless && selectorless ? new JsonArray("IPv4", "IPv6") : new JsonArray("IPv4");
        if (headless)
        {
            spec["clusterIP"] = "None";
            spec["clusterIPs"] = new JsonArray("None");
            return causes;
        }

        var existing = others.ToList();
        var taken = existing.Select(other => (string?)other["spec"]?["clusterIP"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(asked) && asked != oldIp && Problem(asked, taken) is { } problem)
        {
            causes.Add(problem);
            return causes;
        }

        var ip = string.IsNullOrEmpty(asked)
            ? FirstFree(() => Format(RangeStart + (uint)Random.Shared.NextInt64(StaticBand, RangeSize - 1)), taken)
            : asked;
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = new JsonArray(ip);
        if ((string?)spec["type"] is "NodePort" or "LoadBalancer" && (bool?)spec["allocateLoadBalancerNodePorts"] != false)
        {
            AllocateNodePorts(spec, existing, causes);
        }

        return causes;
    }

    /// <summary>
    /// kube-apiserver's <c>dropTypeDependentFields</c>: a change of type drops what the old type was given and the new
    /// one cannot have, where the update carries it over unchanged (a merge patch of <c>type</c> alone): the address and
    /// its family fields for ExternalName, the node ports and <c>externalTrafficPolicy</c> for a type without node ports.
    /// </summary>
    private static void DropTypeDependentFields(JsonObject spec, JsonObject oldSpec)
    {
        var (type, oldType) = ((string?)spec["type"], (string?)oldSpec["type"]);
        if (type == oldType)
        {
            return;
        }

        if (type == "ExternalName")
        {
            foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy" })
            {
                if (JsonNode.DeepEquals(spec[field], oldSpec[field]))
                {
                    spec.Remove(field);
                }
            }
        }

        if (type is not ("NodePort" or "LoadBalancer"))
        {
            var oldNodePorts = (oldSpec["ports"] as JsonArray ?? []).Select(p => (int?)p?["nodePort"]).OfType<int>().ToHashSet();
            foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().Where(p => (int?)p["nodePort"] is { } n && oldNodePorts.Contains(n)))
            {
                port.Remove("nodePort");
            }

            if (JsonNode.DeepEquals(spec["externalTrafficPolicy"], oldSpec["externalTrafficPolicy"]))
            {
                spec.Remove("externalTrafficPolicy");
            }
        }
    }

    /// <summary>The stored Service's allocations, where an update leaves them out (kube-apiserver's <c>patchAllocatedValues</c>).</summary>
    private static void KeepAllocated(JsonObject spec, JsonObject? oldSpec)
    {
        if (oldSpec is null)
        {
            return;
        }

        if (string.IsNullOrEmpty((string?)spec["clusterIP"]) && spec["clusterIPs"] is not JsonArray { Count: > 0 })
        {
            spec["clusterIP"] = oldSpec["clusterIP"]?.DeepClone();
            spec["clusterIPs"] = oldSpec["clusterIPs"]?.DeepClone();
        }

        spec["ipFamilies"] ??= oldSpec["ipFamilies"]?.DeepClone();
        spec["ipFamilyPolicy"] ??= oldSpec["ipFamilyPolicy"]?.DeepClone();
        if ((string?)spec["type"] is not ("NodePort" or "LoadBalancer"))
        {
            return;
        }

        var oldPorts = (oldSpec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().Where(p => p["nodePort"] is null))
        {
            var same = oldPorts.FirstOrDefault(o => o["port"]?.ToString() == port["port"]?.ToString() && (string?)o["protocol"] == (string?)port["protocol"]);
            if (same?["nodePort"] is { } nodePort)
            {
                port["nodePort"] = nodePort.DeepClone();
            }
        }
    }

    private static V1StatusCause? Problem(string asked, HashSet<string> taken)
    {
        if (asked.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(asked, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return ApiErrors.Cause("spec.clusterIPs[0]", $"Invalid value: {GoSyntax.Strings([asked])}: IPv6 is not configured on this cluster");
        }

        if (ParseIPv4(asked) is not { } address)
        {
            return ApiErrors.InvalidValue("spec.clusterIPs[0]", asked, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        }

        // The range's network and broadcast addresses are not handed out either.
        var offset = address - RangeStart;
        return address < RangeStart || offset == 0 || offset >= RangeSize - 1
            ? ApiErrors.Cause("spec.clusterIPs", $"Invalid value: {GoSyntax.Strings([asked])}: failed to allocate IP {asked}: the provided IP ({asked}) is not in the valid range. The range of valid IPs is {Range}")
            : taken.Contains(Format(address))
                ? ApiErrors.Cause("spec.clusterIPs", $"Invalid value: {GoSyntax.Strings([asked])}: failed to allocate IP {asked}: provided IP is already allocated")
                : null;
    }

    /// <summary>A random pick from the dynamic band, as upstream's allocators pick, drawn again while it is taken; then taken.</summary>
    private static T FirstFree<T>(Func<T> draw, HashSet<T> taken)
    {
        while (true)
        {
            var value = draw();
            if (taken.Add(value))
            {
                return value;
            }
        }
    }

    private static void AllocateNodePorts(JsonObject spec, IEnumerable<JsonObject> others, List<V1StatusCause> causes)
    {
        var taken = others.SelectMany(other => (other["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(port => (int?)port["nodePort"]).OfType<int>().ToHashSet();
        var ports = (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < ports.Count; i++)
        {
            if ((int?)ports[i]["nodePort"] is not { } asked || asked == 0)
            {
                continue;
            }

            var path = $"spec.ports[{i}].nodePort";
            if (asked is < FirstNodePort or > LastNodePort)
            {
                causes.Add(ApiErrors.Cause(path, $"Invalid value: {asked}: provided port is not in the valid range. The range of valid ports is {FirstNodePort}-{LastNodePort}"));
            }
            else if (!taken.Add(asked))
            {
                causes.Add(ApiErrors.Cause(path, $"Invalid value: {asked}: provided port is already allocated"));
            }
        }

        foreach (var port in ports.Where(p => (int?)p["nodePort"] is null or 0))
        {
            port["nodePort"] = FirstFree(() => Random.Shared.Next(FirstNodePort + NodePortStaticBand, LastNodePort + 1), taken);
        }
    }

    private static uint? ParseIPv4(string text)
    {
        var parts = text.Split('.');
        uint address = 0;
        foreach (var part in parts)
        {
            if (parts.Length != 4 || part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit)
                || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return null;
            }

            address = (address << 8) | octet;
        }

        return address;
    }

    private static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
}
