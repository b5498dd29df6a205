using System.Text.Json.Nodes;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// kube-apiserver's ServiceAccount admission plugin (<c>plugin/pkg/admission/serviceaccount</c>) on a pod CREATE, after
/// the defaults named the account <c>default</c> where the pod names none: a pod whose account does not exist is
/// refused; every container and init container mounts the projected token volume <c>kube-api-access-xxxxx</c> at
/// <see cref="TokenMountPath"/> unless one already mounts something there or automounting is off (the pod's
/// <c>automountServiceAccountToken</c>, else the account's); a pod without image pull secrets gets the account's.
/// </summary>
/// <remarks>
/// Upstream retries the lookup of <c>default</c> for a second or two, as the service account controller creates it right
/// after its namespace. Stores that run without the simulation have no controller, so a missing <c>default</c> is taken
/// as an account without settings instead of refused.
/// </remarks>
internal static class ServiceAccountAdmission
{
    public const string TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>One hour and seven seconds: what the plugin asks for (serviceaccount.WarnOnlyBoundTokenExpirationSeconds).</summary>
    public const int TokenExpirationSeconds = 3607;

    private const string VolumePrefix = "kube-api-access-";
    private const string DefaultAccount = "default";

    /// <param name="pod">The pod being created, defaulted.</param>
    /// <param name="podNamespace">Its namespace.</param>
    /// <param name="findAccount">Reads a ServiceAccount of that namespace from the store.</param>
    /// <param name="randomSuffix">Five characters of the apiserver's name generator.</param>
    /// <exception cref="ApiException">403 when the pod's service account does not exist, with upstream's message.</exception>
    public static void Admit(JsonObject pod, string podNamespace, Func<string, V1ServiceAccount?> findAccount, Func<string> randomSuffix)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(findAccount);
        ArgumentNullException.ThrowIfNull(randomSuffix);
        if (pod["spec"] is not JsonObject spec || (string?)spec["serviceAccountName"] is not { Length: > 0 } name)
        {
            return;
        }

        var account = findAccount(name);
        if (account is null && name != DefaultAccount)
        {
            // Before naming, NewForbidden names the pod by its generateName.
            var podName = (string?)pod["metadata"]?["name"] is { Length: > 0 } given ? given : (string?)pod["metadata"]?["generateName"] ?? "Unknown";
            throw new ApiException(ApiErrors.Forbidden(
                $"pods \"{podName}\" is forbidden: error looking up service account {podNamespace}/{name}: serviceaccount \"{name}\" not found"));
        }

        if ((bool?)spec["automountServiceAccountToken"] ?? account?.AutomountServiceAccountToken ?? true)
        {
            MountToken(spec, randomSuffix);
        }

        if (spec["imagePullSecrets"] is not JsonArray { Count: > 0 } && account?.ImagePullSecrets is { Count: > 0 } pullSecrets)
        {
            spec["imagePullSecrets"] = new JsonArray([.. pullSecrets.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name })]);
        }
    }

    private static void MountToken(JsonObject spec, Func<string> randomSuffix)
    {
        var volumes = spec["volumes"] as JsonArray;
        var existing = volumes?.OfType<JsonObject>().Select(v => (string?)v["name"]).FirstOrDefault(n => n?.StartsWith(VolumePrefix, StringComparison.Ordinal) == true);
        var volumeName = existing ?? VolumePrefix + randomSuffix();
        var mounted = false;
        foreach (var container in new[] { spec["initContainers"], spec["containers"] }.OfType<JsonArray>().SelectMany(c => c).OfType<JsonObject>())
        {
            var mounts = container["volumeMounts"] as JsonArray;
            if (mounts?.OfType<JsonObject>().Any(m => (string?)m["mountPath"] == TokenMountPath) == true)
            {
                continue;
            }

            if (mounts is null)
            {
                container["volumeMounts"] = mounts = [];
            }

            mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = TokenMountPath });
            mounted = true;
        }

        if (existing is null && mounted)
        {
            if (volumes is null)
            {
                spec["volumes"] = volumes = [];
            }

            volumes.Add(TokenVolume(volumeName));
        }
    }

    /// <summary>The bound token, the cluster's CA (<c>kube-root-ca.crt</c>) and the pod's namespace, as the plugin projects them.</summary>
    private static JsonObject TokenVolume(string name) => new()
    {
        ["name"] = name,
        ["projected"] = new JsonObject
        {
            ["sources"] = new JsonArray(
                new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = TokenExpirationSeconds, ["path"] = "token" } },
                new JsonObject
                {
                    ["configMap"] = new JsonObject
                    {
                        ["name"] = "kube-root-ca.crt",
                        ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }),
                    },
                },
                new JsonObject
                {
                    ["downwardAPI"] = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject
                        {
                            ["path"] = "namespace",
                            ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" },
                        }),
                    },
                }),
            ["defaultMode"] = 420,
        },
    };
}
