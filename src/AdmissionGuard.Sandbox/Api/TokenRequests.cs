using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// <c>serviceaccounts/token</c> (what <c>kubectl create token</c> calls): a TokenRequest answered with a token shaped
/// like a service account JWT (header.claims.signature) whose signature is fake: the sandbox authenticates by the
/// tokens of <see cref="SandboxOptions.TokenUsers"/>, not by these.
/// </summary>
public static class TokenRequests
{
    private const long DefaultExpirationSeconds = 3600;
    private const long MinimumExpirationSeconds = 600;

    /// <exception cref="ApiException">404 when the service account does not exist, 422 for a too short expiration.</exception>
    public static JsonObject Create(ClusterApi api, string objectNamespace, string serviceAccount, JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(request);
        var account = api.Get(ResourceTypes.ServiceAccounts, objectNamespace, serviceAccount);
        var spec = request["spec"] as JsonObject ?? [];
        var expiration = (long?)spec["expirationSeconds"] ?? DefaultExpirationSeconds;
        if (expiration < MinimumExpirationSeconds)
        {
            throw new ApiException(ApiErrors.Invalid(ResourceTypes.ServiceAccounts, serviceAccount,
                [ApiErrors.Cause("spec.expirationSeconds", $"Invalid value: {expiration}: may not specify a duration less than 10 minutes")]));
        }

        var audiences = spec["audiences"] is JsonArray { Count: > 0 } requested ? requested.DeepClone() : new JsonArray("https://kubernetes.default.svc.cluster.local");
        var now = api.Time.GetUtcNow();
        var expires = now.AddSeconds(expiration);
        var claims = new JsonObject
        {
            ["aud"] = audiences.DeepClone(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = "https://kubernetes.default.svc.cluster.local",
            ["sub"] = $"system:serviceaccount:{objectNamespace}:{serviceAccount}",
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = objectNamespace,
                ["serviceaccount"] = new JsonObject { ["name"] = serviceAccount, ["uid"] = account.Uid },
            },
        };
        var token = $"{Base64Url("""{"alg":"RS256","kid":"admissionguard-sandbox"}""")}.{Base64Url(claims.ToJsonString())}.{Base64Url("sandbox-unsigned")}";
        spec["audiences"] = audiences;
        spec["expirationSeconds"] = expiration;
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = serviceAccount,
                ["namespace"] = objectNamespace,
                ["creationTimestamp"] = Rfc3339.Format(now),
            },
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = Rfc3339.Format(expires),
            },
        };
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
