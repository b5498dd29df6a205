namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// One resource request as Kubernetes authorization sees it: who asked (<see cref="User"/>), the verb (get, list, watch,
/// create, update, patch, delete, deletecollection), the API group ("" for core), resource, subresource, namespace and
/// name. As in kube-apiserver, a list or watch selecting one object with <c>fieldSelector=metadata.name=X</c> has the
/// name X, and a create has a name only for subresources (<c>pods/eviction</c>, <c>pods/binding</c>).
/// </summary>
public sealed record ApiRequest(string User, string Verb, string ApiGroup, string Resource, string? Subresource, string? Namespace, string? Name)
{
    /// <summary>The resource as RBAC rules spell it: <c>pods</c> or <c>pods/eviction</c>.</summary>
    public string ResourcePath => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    /// <summary>E.g. <c>create pods/eviction (core) kube-system/ebs-csi-node-x</c>.</summary>
    public override string ToString()
    {
        var group = ApiGroup.Length == 0 ? "core" : ApiGroup;
        var where = (Namespace, Name) switch
        {
            (null, null) => "cluster-wide",
            (null, var name) => name,
            (var ns, null) => $"namespace {ns}",
            (var ns, var name) => $"{ns}/{name}",
        };
        return $"{Verb} {ResourcePath} ({group}) {where}";
    }
}
