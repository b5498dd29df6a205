using System.Text.Json.Serialization;

namespace AdmissionGuard.Webhook;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
