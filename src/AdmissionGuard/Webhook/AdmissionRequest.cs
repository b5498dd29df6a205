using AdmissionGuard.Json;

namespace AdmissionGuard.Webhook;

/// <summary>
/// The fields of an AdmissionReview request the webhook reads, decoded once by <see cref="AdmissionReviewReader"/>.
/// </summary>
/// <param name="Object">The pod or binding in <c>request.object</c>; null when absent or not an object.</param>
/// <param name="ObjectProblem">
/// What is wrong with <c>request.object</c> as a pod or binding (a field of the wrong type), or null. Only a pod or
/// binding request is refused for it: the object of a request the guard does not decide is none of its business.
/// </param>
internal sealed record AdmissionRequest(
    string Uid,
    string Group,
    string Kind,
    string Operation,
    string SubResource,
    string Namespace,
    string Name,
    bool DryRun,
    DecodedObject? Object,
    string? ObjectProblem)
{
    public RequestKind KindFor(WebhookKind webhook) => (Operation, Group, Kind, SubResource) switch
    {
        ("CREATE", "", "Pod", "") => RequestKind.PodCreate,
        ("CREATE", "", "Binding", "binding") when webhook == WebhookKind.Validating => RequestKind.BindingCreate,
        _ => RequestKind.Other,
    };
}
