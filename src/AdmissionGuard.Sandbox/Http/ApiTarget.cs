using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>What a resource URL addresses: a collection (no name), an object, or an object's subresource.</summary>
internal sealed record ApiTarget(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Parses the segments after <c>/api/v1</c> or <c>/apis/group/version</c>; null when they address nothing served.
    /// </summary>
    public static ApiTarget? Parse(string group, string version, ReadOnlySpan<string> rest)
    {
        string? objectNamespace = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && ResourceTypes.Find(group, version, rest[2]) is { Namespaced: true })
        {
            objectNamespace = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3 || ResourceTypes.Find(group, version, rest[0]) is not { } type)
        {
            return null;
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if ((subresource is not null && !type.Subresources.Contains(subresource)) || (type.Namespaced && name is not null && objectNamespace is null))
        {
            return null;
        }

        return new ApiTarget(type, objectNamespace, name, subresource);
    }
}
