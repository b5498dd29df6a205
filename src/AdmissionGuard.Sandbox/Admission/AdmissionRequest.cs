using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// What admission sees of one write. <paramref name="Kind"/> is the kind of <paramref name="NewObject"/>
/// (a v1 Binding for pods/binding, a policy/v1 Eviction for pods/eviction).
/// </summary>
public sealed record AdmissionRequest(
    ResourceType Resource,
    string? SubResource,
    GroupVersionKind Kind,
    AdmissionOperation Operation,
    string? Namespace,
    string Name,
    JsonObject? NewObject,
    JsonObject? OldObject,
    RequestContext Context);
