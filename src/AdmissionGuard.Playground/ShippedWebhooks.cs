using System.Text;
using AdmissionGuard.Sandbox.Api;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Playground;

/// <summary>
/// The webhook configurations as installed: <c>config/webhook/manifests.yaml</c>, embedded in this assembly so the
/// sandbox registers exactly what a cluster gets (names, rules, selectors, match conditions, failure policy).
/// </summary>
internal static class ShippedWebhooks
{
    public const string ResourceName = "config/webhook/manifests.yaml";

    /// <summary>The Service the configurations call, as <c>namespace/name</c>.</summary>
    public const string Service = "admissionguard-system/admissionguard-webhook";

    /// <summary>DNS names of that Service, as cert-manager puts them in the serving certificate.</summary>
    public static readonly string[] ServiceDnsNames =
    [
        "admissionguard-webhook",
        "admissionguard-webhook.admissionguard-system",
        "admissionguard-webhook.admissionguard-system.svc",
        "admissionguard-webhook.admissionguard-system.svc.cluster.local",
    ];

    /// <summary>The shipped configurations with every <c>clientConfig.caBundle</c> set to <paramref name="caBundlePem"/>.</summary>
    /// <exception cref="InvalidOperationException">The manifest is missing from the assembly or holds something else.</exception>
    public static (V1MutatingWebhookConfiguration Mutating, V1ValidatingWebhookConfiguration Validating) Load(string caBundlePem)
    {
        using var stream = typeof(ShippedWebhooks).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(ShippedWebhooks).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var documents = KubernetesYaml.LoadAllFromString(reader.ReadToEnd());
        var mutating = documents.OfType<V1MutatingWebhookConfiguration>().SingleOrDefault()
            ?? throw new InvalidOperationException($"{ResourceName} holds no MutatingWebhookConfiguration");
        var validating = documents.OfType<V1ValidatingWebhookConfiguration>().SingleOrDefault()
            ?? throw new InvalidOperationException($"{ResourceName} holds no ValidatingWebhookConfiguration");
        var caBundle = Encoding.ASCII.GetBytes(caBundlePem);
        foreach (var clientConfig in mutating.Webhooks.Select(w => w.ClientConfig).Concat(validating.Webhooks.Select(w => w.ClientConfig)))
        {
            clientConfig.CaBundle = caBundle;
        }

        return (mutating, validating);
    }

    /// <summary>Creates both configurations, as <c>kubectl apply</c> of the install would.</summary>
    public static async Task RegisterAsync(ClusterApi api, string caBundlePem, CancellationToken cancellationToken)
    {
        var (mutating, validating) = Load(caBundlePem);
        await api.CreateAsync(mutating, cancellationToken: cancellationToken);
        await api.CreateAsync(validating, cancellationToken: cancellationToken);
    }
}
