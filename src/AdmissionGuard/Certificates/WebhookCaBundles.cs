using System.Net;
using AdmissionGuard.Core;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.Certificates;

/// <summary>
/// Keeps the caBundle of every webhook in the Mutating- and ValidatingWebhookConfiguration named
/// <see cref="WellKnown.WebhookConfigurationName"/> equal to the CA bundle. Every replica runs it: the result is the
/// same whoever writes it, a configuration that is already right is only read, and a replica that has just issued
/// its certificate does not depend on a leader (there is none with the reconciler disabled) to be trusted.
/// </summary>
internal sealed class WebhookCaBundles(IKubernetes client, ILogger logger)
{
    /// <summary>A configuration edited between our read and our patch fails the patch's tests; read again this often.</summary>
    private const int Attempts = 3;

    private const string Name = WellKnown.WebhookConfigurationName;

    /// <summary>Patches both configurations where they differ from <paramref name="bundle"/>.</summary>
    /// <returns>How many configurations were patched.</returns>
    public async Task<int> EnsureAsync(byte[] bundle, CancellationToken cancellationToken)
    {
        var patched = 0;
        if (await EnsureAsync(
            "MutatingWebhookConfiguration",
            async ct => (await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(Name, cancellationToken: ct)).Webhooks?
                .Select(w => (w.Name, w.ClientConfig?.CaBundle)).ToList(),
            (patch, ct) => client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(patch, Name, cancellationToken: ct),
            bundle,
            cancellationToken))
        {
            patched++;
        }

        if (await EnsureAsync(
            "ValidatingWebhookConfiguration",
            async ct => (await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(Name, cancellationToken: ct)).Webhooks?
                .Select(w => (w.Name, w.ClientConfig?.CaBundle)).ToList(),
            (patch, ct) => client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(patch, Name, cancellationToken: ct),
            bundle,
            cancellationToken))
        {
            patched++;
        }

        return patched;
    }

    private async Task<bool> EnsureAsync(
        string kind,
        Func<CancellationToken, Task<List<(string Name, byte[]? CaBundle)>?>> read,
        Func<V1Patch, CancellationToken, Task> apply,
        byte[] bundle,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            List<(string Name, byte[]? CaBundle)> webhooks;
            try
            {
                webhooks = await read(cancellationToken) ?? [];
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                CertificateLog.WebhookConfigurationMissing(logger, kind, Name);
                return false;
            }

            if (CaBundlePatch.For(webhooks, bundle) is not { } patch)
            {
                return false;
            }

            try
            {
                await apply(new V1Patch(patch, V1Patch.PatchType.JsonPatch), cancellationToken);
                CertificateLog.CaBundlePatched(logger, kind, Name, webhooks.Count);
                return true;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict && attempt < Attempts)
            {
                // The webhooks changed under us: read them again.
            }
        }
    }
}
