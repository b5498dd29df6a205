namespace AdmissionGuard.Core.Certificates;

/// <summary>The names a Service answers to inside the cluster, which a serving certificate for it must carry.</summary>
public static class ServiceDnsNames
{
    /// <summary>
    /// <c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c> (the name kube-apiserver verifies for a webhook's service
    /// reference) and <c>svc.ns.svc.cluster.local</c>, most specific for the API server first.
    /// </summary>
    public static IReadOnlyList<string> For(string service, string @namespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        return [$"{service}.{@namespace}.svc", service, $"{service}.{@namespace}", $"{service}.{@namespace}.svc.cluster.local"];
    }
}
