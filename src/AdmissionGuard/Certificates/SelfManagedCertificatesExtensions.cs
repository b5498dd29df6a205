using AdmissionGuard.Configuration;

namespace AdmissionGuard.Certificates;

internal static class SelfManagedCertificatesExtensions
{
    /// <summary>
    /// With <c>Webhook:SelfManagedCertificates=true</c>, adds the <see cref="SelfManagedCertificateIssuer"/> (a hosted
    /// service). Needs the webhook (<see cref="GuardApplication.CreateBuilder"/>) and an <c>IKubernetes</c> client
    /// (<c>AddClusterCaches</c>).
    /// </summary>
    public static WebApplicationBuilder AddSelfManagedCertificates(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.GetValue($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.SelfManagedCertificates)}", false))
        {
            builder.Services.AddHostedService<SelfManagedCertificateIssuer>();
        }

        return builder;
    }
}
