namespace AdmissionGuard.Sandbox.Api;

/// <summary>The groups kube-apiserver's authenticators give a user, as reviews and <c>kubectl auth whoami</c> show them.</summary>
public static class UserGroups
{
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>
    /// A service account's token brings <c>system:serviceaccounts</c> and <c>system:serviceaccounts:&lt;namespace&gt;</c>;
    /// the admin is a <c>system:masters</c> client certificate; everyone authenticated is in <c>system:authenticated</c>.
    /// </summary>
    public static IReadOnlyList<string> Of(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && user[ServiceAccountPrefix.Length..].Split(':') is [var serviceAccountNamespace, _])
        {
            return ["system:serviceaccounts", $"system:serviceaccounts:{serviceAccountNamespace}", "system:authenticated"];
        }

        return user == SandboxOptions.AdminUser ? ["system:masters", "system:authenticated"] : ["system:authenticated"];
    }
}
