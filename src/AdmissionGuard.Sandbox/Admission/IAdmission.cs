namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// The admission chain <see cref="Api.ClusterApi"/> runs for every write, in kube-apiserver's order:
/// mutate (may change the object), then the API's own defaulting and validation, then validate.
/// Refusals throw <see cref="Api.ApiException"/>; warnings go to <see cref="Api.RequestContext.Warnings"/>.
/// </summary>
public interface IAdmission
{
    /// <summary>Mutating admission; returns the object to continue with (the request's object when unchanged).</summary>
    Task<System.Text.Json.Nodes.JsonObject?> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken);

    /// <summary>Validating admission, on the object as it will be stored.</summary>
    Task ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
