using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

/// <summary>Attribute rules (required files), generated at compile time.</summary>
[OptionsValidator]
public sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
