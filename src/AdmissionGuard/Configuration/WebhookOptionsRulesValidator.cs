using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Rules the attributes cannot express: files exist, ports are ports and differ. Ranges are checked here
/// because the generated validator ignores a custom message on [Range] and would not name the setting.
/// </summary>
internal sealed class WebhookOptionsRulesValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        CheckPort(builder, "Webhook:Port", options.Port);
        CheckPort(builder, "Webhook:MetricsPort", options.MetricsPort);
        CheckFile(builder, "Webhook:CertFile", options.CertFile);
        CheckFile(builder, "Webhook:KeyFile", options.KeyFile);
        if (options.Port != 0 && options.Port == options.MetricsPort)
        {
            builder.AddError($"Webhook:MetricsPort: {options.MetricsPort} is also Webhook:Port; health and metrics need their own port");
        }

        return builder.Build();
    }

    private static void CheckPort(ValidateOptionsResultBuilder builder, string setting, int port)
    {
        if (port is < 0 or > 65535)
        {
            builder.AddError($"{setting}: {port} is not a port (1-65535, or 0 for any free port)");
        }
    }

    private static void CheckFile(ValidateOptionsResultBuilder builder, string setting, string path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            builder.AddError($"{setting}: file '{path}' does not exist");
        }
    }
}
