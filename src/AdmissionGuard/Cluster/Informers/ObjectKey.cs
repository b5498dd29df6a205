namespace AdmissionGuard.Cluster.Informers;

/// <summary>Namespace and name of a cached object ("" namespace for cluster-scoped kinds).</summary>
/// <remarks>A pair of the strings the facts already hold, instead of a "ns/name" string per cached object.</remarks>
internal readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
