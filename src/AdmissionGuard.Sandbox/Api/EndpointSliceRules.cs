using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Labels;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver 1.32's discovery/v1 EndpointSlice rules: each port's defaults (<c>name: ""</c>, <c>protocol:
/// TCP</c>) and the validation of <c>pkg/apis/discovery/validation</c> for the address type (required, one of three,
/// immutable), the endpoints (at most 1,000, each with 1-100 addresses of the slice's type, none unspecified, loopback
/// or link-local) and the ports (at most 20,000, names unique, a supported protocol). Not checked: the DNS label syntax
/// of hostnames and port names, node names, app protocols and zone hints.
/// </summary>
internal static class EndpointSliceRules
{
    private const int MaxEndpoints = 1000;
    private const int MaxAddresses = 100;
    private const int MaxPorts = 20000;

    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public static void ApplyDefaults(JsonObject slice)
    {
        foreach (var port in (slice["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["name"] ??= "";
            port["protocol"] ??= "TCP";
        }
    }

    /// <param name="old">The stored slice on an update, null on a create.</param>
    public static void Validate(JsonObject slice, JsonObject? old, List<V1StatusCause> causes)
    {
        var addressType = (string?)slice["addressType"] ?? "";
        if (addressType.Length == 0)
        {
            causes.Add(ApiErrors.Required("addressType"));
        }
        else if (!AddressTypes.Contains(addressType))
        {
            causes.Add(ApiErrors.NotSupported("addressType", addressType, AddressTypes));
        }

        ValidateEndpoints(slice["endpoints"] as JsonArray ?? [], addressType, causes);
        ValidatePorts(slice["ports"] as JsonArray ?? [], causes);
        if (old is not null && (string?)old["addressType"] != addressType)
        {
            causes.Add(ApiErrors.InvalidValue("addressType", addressType, "field is immutable"));
        }
    }

    private static void ValidateEndpoints(JsonArray endpoints, string addressType, List<V1StatusCause> causes)
    {
        if (endpoints.Count > MaxEndpoints)
        {
            causes.Add(TooMany("endpoints", endpoints.Count, MaxEndpoints));
            return;
        }

        for (var i = 0; i < endpoints.Count; i++)
        {
            var path = $"endpoints[{i}].addresses";
            var addresses = endpoints[i]?["addresses"] as JsonArray ?? [];
            if (addresses.Count == 0)
            {
                causes.Add(ApiErrors.Cause(path, "Required value: must contain at least 1 address", "FieldValueRequired"));
            }
            else if (addresses.Count > MaxAddresses)
            {
                causes.Add(TooMany(path, addresses.Count, MaxAddresses));
            }

            for (var a = 0; a < addresses.Count; a++)
            {
                causes.AddRange(AddressErrors($"{path}[{a}]", (string?)addresses[a] ?? "", addressType));
            }
        }
    }

    /// <summary>An address of a known type: the family's own check, then what no endpoint may be (ValidateEndpointIP).</summary>
    private static IEnumerable<V1StatusCause> AddressErrors(string path, string address, string addressType)
    {
        if (addressType == "FQDN")
        {
            if (!LabelSyntax.IsDnsSubdomain(address) || !address.Contains('.', StringComparison.Ordinal))
            {
                yield return ApiErrors.InvalidValue(path, address, "should be a domain with at least two segments separated by dots");
            }

            yield break;
        }

        if (addressType is not ("IPv4" or "IPv6"))
        {
            yield break;
        }

        var family = addressType == "IPv4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family)
        {
            yield return ApiErrors.InvalidValue(path, address, $"must be a valid {addressType} address");
        }

        if (ip is null)
        {
            yield return ApiErrors.InvalidValue(path, address, "must be a valid IP address");
            yield break;
        }

        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            yield return ApiErrors.InvalidValue(path, address, $"may not be unspecified ({address})");
        }

        if (IPAddress.IsLoopback(ip))
        {
            yield return ApiErrors.InvalidValue(path, address, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
        }

        var bytes = ip.GetAddressBytes();
        if (ip.IsIPv6LinkLocal || bytes is [169, 254, _, _])
        {
            yield return ApiErrors.InvalidValue(path, address, "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
        }

        if (bytes is [224, 0, 0, _] || bytes.Length == 16 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02)
        {
            yield return ApiErrors.InvalidValue(path, address, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
        }
    }

    private static void ValidatePorts(JsonArray ports, List<V1StatusCause> causes)
    {
        if (ports.Count > MaxPorts)
        {
            causes.Add(TooMany("ports", ports.Count, MaxPorts));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var name = (string?)ports[i]?["name"] ?? "";
            if (!names.Add(name))
            {
                causes.Add(ApiErrors.Cause($"ports[{i}].name", $"Duplicate value: \"{name}\"", "FieldValueDuplicate"));
            }

            var protocol = (string?)ports[i]?["protocol"];
            if (string.IsNullOrEmpty(protocol))
            {
                causes.Add(ApiErrors.Required($"ports[{i}].protocol"));
            }
            else if (!Protocols.Contains(protocol))
            {
                causes.Add(ApiErrors.NotSupported($"ports[{i}].protocol", protocol, Protocols));
            }
        }
    }

    /// <summary>apimachinery's <c>field.TooMany</c>.</summary>
    private static V1StatusCause TooMany(string field, int count, int most) =>
        ApiErrors.Cause(field, $"Too many: {count}: must have at most {most} items", "FieldValueTooMany");
}
