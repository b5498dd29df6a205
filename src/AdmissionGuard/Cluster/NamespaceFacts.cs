namespace AdmissionGuard.Cluster;

/// <summary>A namespace as the caches keep it: its labels carry the per-namespace mode.</summary>
internal sealed record NamespaceFacts(string Name, IReadOnlyDictionary<string, string> Labels);
