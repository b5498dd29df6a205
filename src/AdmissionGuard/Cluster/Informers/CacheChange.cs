namespace AdmissionGuard.Cluster.Informers;

/// <summary>One change of a cache, with the facts before (null when added) and after (null when deleted).</summary>
internal sealed record CacheChange<TFacts>(CacheChangeKind Kind, ObjectKey Key, TFacts? Old, TFacts? New)
    where TFacts : class;
