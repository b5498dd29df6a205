using System.Text;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// <c>/healthz</c>, <c>/livez</c> and <c>/readyz</c> as kube-apiserver's healthz handlers answer them
/// (k8s.io/apiserver/pkg/server/healthz): <c>ok</c>; with <c>?verbose</c> one <c>[+]check ok</c> line per check and
/// <c>readyz check passed</c>; <c>?exclude=check</c> marks a check <c>excluded: ok</c> and warns about names that
/// match none; <c>/readyz/&lt;check&gt;</c> asks one check. The checks are kube-apiserver's own that a sandbox has a
/// meaning for (the object store stands for etcd), without the post-start hooks; none ever fails here.
/// </summary>
internal static class HealthChecks
{
    private static readonly string[] LiveChecks = ["ping", "log", "etcd"];
    private static readonly string[] ReadyChecks = ["ping", "log", "etcd", "etcd-readiness", "informer-sync", "shutdown"];

    /// <param name="endpoint"><c>healthz</c>, <c>livez</c> or <c>readyz</c>.</param>
    /// <param name="check">The rest of the path: one check's name, or empty for all.</param>
    public static Task WriteAsync(HttpContext context, string endpoint, string check)
    {
        var checks = endpoint == "readyz" ? ReadyChecks : LiveChecks;
        var response = context.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        if (check.Length > 0)
        {
            if (checks.Contains(check, StringComparer.Ordinal))
            {
                return response.WriteAsync("ok", context.RequestAborted);
            }

            response.StatusCode = StatusCodes.Status404NotFound;
            return response.WriteAsync("404 page not found\n", context.RequestAborted);
        }

        var query = context.Request.Query;
        if (!query.ContainsKey("verbose"))
        {
            return response.WriteAsync("ok", context.RequestAborted);
        }

        var excluded = new HashSet<string>(query["exclude"].OfType<string>().Where(name => name.Length > 0), StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var name in checks)
        {
            text.Append(excluded.Remove(name) ? $"[+]{name} excluded: ok\n" : $"[+]{name} ok\n");
        }

        if (excluded.Count > 0)
        {
            text.Append($"warn: some health checks cannot be excluded: no matches for {string.Join(",", excluded.Order(StringComparer.Ordinal).Select(name => $"\"{name}\""))}\n");
        }

        text.Append($"{endpoint} check passed\n");
        return response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}
