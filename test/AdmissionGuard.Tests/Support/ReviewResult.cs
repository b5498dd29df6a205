using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace AdmissionGuard.Tests.Support;

/// <summary>A webhook's HTTP answer, with helpers to read the AdmissionReview response in it.</summary>
internal sealed record ReviewResult(HttpStatusCode StatusCode, string ContentType, string Body)
{
    private JsonNode Json => JsonNode.Parse(Body)!;

    public JsonNode Response => Json["response"]!;

    public string Uid => Response["uid"]!.GetValue<string>();

    public bool Allowed => Response["allowed"]!.GetValue<bool>();

    public bool HasPatch => Response["patch"] is not null;

    public IReadOnlyList<string> Warnings => Response["warnings"]?.AsArray().Select(w => w!.GetValue<string>()).ToList() ?? [];

    public IReadOnlyDictionary<string, string> AuditAnnotations =>
        Response["auditAnnotations"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

    public string? DenialMessage => Response["status"]?["message"]?.GetValue<string>();

    /// <summary>The <c>detail</c> of a 400/413 problem body.</summary>
    public string ProblemDetail => Json["detail"]!.GetValue<string>();

    /// <summary>The decoded JSON Patch text.</summary>
    public string PatchText => Encoding.UTF8.GetString(Convert.FromBase64String(Response["patch"]!.GetValue<string>()));

    /// <summary>Applies the JSON Patch to <paramref name="pod"/> with an independent RFC 6902 implementation.</summary>
    public JsonNode ApplyPatchTo(JsonNode pod)
    {
        Response["patchType"]!.GetValue<string>().Should().Be("JSONPatch");
        var patched = pod.DeepClone();
        JsonSerializer.Deserialize<JsonPatchDocument>(PatchText)!.ApplyTo(patched);
        return patched;
    }
}
