using System.Text.Json.Serialization;

namespace AdmissionGuard.Core.Cilium;

/// <summary>status.identity of a CiliumEndpoint.</summary>
public sealed class CiliumEndpointIdentity
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("labels")]
    public IList<string>? Labels { get; init; }
}
