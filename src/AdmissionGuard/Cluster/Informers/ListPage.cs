namespace AdmissionGuard.Cluster.Informers;

/// <summary>One page of a list call.</summary>
/// <param name="ResourceVersion">The list's resourceVersion: where a watch continues from.</param>
/// <param name="Continue">The token for the next page; null or empty on the last page.</param>
internal sealed record ListPage<TObject>(IReadOnlyList<TObject> Items, string ResourceVersion, string? Continue);
