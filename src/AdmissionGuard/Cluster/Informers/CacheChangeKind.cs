namespace AdmissionGuard.Cluster.Informers;

internal enum CacheChangeKind
{
    Added,
    Modified,
    Deleted,
}
