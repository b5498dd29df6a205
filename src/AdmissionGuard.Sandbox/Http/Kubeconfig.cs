using System.Text;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>Writes a kubeconfig that kubectl and KubernetesClient read: context <c>sandbox</c> (HTTPS, current) and <c>sandbox-http</c>.</summary>
internal static class Kubeconfig
{
    public const string HttpsContext = "sandbox";
    public const string HttpContext = "sandbox-http";

    /// <summary>The default token; the sandbox takes any token it does not know as <see cref="SandboxOptions.AdminUser"/>.</summary>
    public const string AdminToken = "sandbox";

    /// <param name="token">The bearer token the kubeconfig's user presents (see <see cref="SandboxOptions.TokenUsers"/>).</param>
    public static string Render(Uri httpsUrl, Uri httpUrl, string authorityPem, string token = AdminToken)
    {
        var authority = Convert.ToBase64String(Encoding.ASCII.GetBytes(authorityPem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {HttpsContext}
              cluster:
                server: {httpsUrl.ToString().TrimEnd('/')}
                certificate-authority-data: {authority}
            - name: {HttpContext}
              cluster:
                server: {httpUrl.ToString().TrimEnd('/')}
            users:
            - name: sandbox-admin
              user:
                token: {token}
            contexts:
            - name: {HttpsContext}
              context:
                cluster: {HttpsContext}
                user: sandbox-admin
                namespace: default
            - name: {HttpContext}
              context:
                cluster: {HttpContext}
                user: sandbox-admin
                namespace: default
            current-context: {HttpsContext}

            """;
    }
}
