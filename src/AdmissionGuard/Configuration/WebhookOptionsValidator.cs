using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>Attribute rules (required files), generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
