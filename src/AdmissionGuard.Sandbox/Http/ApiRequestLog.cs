using System.Collections.Concurrent;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// Every distinct resource request the server has served over HTTP, with how often it came: what an RBAC audit
/// compares with the rules a client is granted. Requests of the in-process <c>ClusterApi</c> (the simulated
/// controllers) are not HTTP requests and are not recorded. Distinct requests only, so the log grows with the
/// objects touched, not with time.
/// </summary>
public sealed class ApiRequestLog
{
    private readonly ConcurrentDictionary<ApiRequest, long> _counts = new();

    /// <summary>The distinct requests so far, optionally only those of <paramref name="user"/>, in a stable order.</summary>
    public IReadOnlyList<ApiRequest> Requests(string? user = null) =>
        [.. _counts.Keys
            .Where(r => user is null || r.User == user)
            .OrderBy(r => r.User, StringComparer.Ordinal)
            .ThenBy(r => r.ApiGroup, StringComparer.Ordinal)
            .ThenBy(r => r.ResourcePath, StringComparer.Ordinal)
            .ThenBy(r => r.Verb, StringComparer.Ordinal)
            .ThenBy(r => r.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>How many times <paramref name="request"/> was served.</summary>
    public long Count(ApiRequest request) => _counts.GetValueOrDefault(request);

    internal void Record(ApiRequest request) => _counts.AddOrUpdate(request, 1, (_, count) => count + 1);
}
