using System.Text;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>Writes a kubeconfig that kubectl and KubernetesClient read: context <c>sandbox</c> (HTTPS, current) and <c>sandbox-http</c>.</summary>
internal static class Kubeconfig
{
    public const string HttpsContext = "sandbox";
    public const string HttpContext = "sandbox-http";

    public static string Render(Uri httpsUrl, Uri httpUrl, string authorityPem)
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
                token: sandbox
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
