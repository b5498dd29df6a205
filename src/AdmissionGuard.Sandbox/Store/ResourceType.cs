namespace AdmissionGuard.Sandbox.Store;

/// <summary>One kind of object the sandbox serves: its REST names, scope and discovery details.</summary>
/// <param name="ModelType">The KubernetesClient (or sandbox) model class used by the typed in-process API.</param>
/// <param name="Subresources">Served subresources, e.g. <c>status</c>, <c>binding</c>, <c>eviction</c>.</param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Subresources,
    Type ModelType)
{
    /// <summary>The verbs every resource here supports (discovery lists them).</summary>
    public static IReadOnlyList<string> Verbs { get; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public bool HasStatus => Subresources.Contains("status");

    /// <summary>Store key: <c>namespace/name</c>, or the name for cluster-scoped objects.</summary>
    public string KeyOf(string? objectNamespace, string name) => Namespaced ? $"{objectNamespace}/{name}" : name;

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
