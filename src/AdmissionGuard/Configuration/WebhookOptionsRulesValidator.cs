using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Rules the attributes cannot express: files exist (or, when the guard writes them itself, their directory does),
/// ports are ports and differ, self-managed certificates know their namespace. Ranges are checked here because
/// the generated validator ignores a custom message on [Range] and would not name the setting.
/// </summary>
internal sealed class WebhookOptionsRulesValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        CheckPort(builder, "Webhook:Port", options.Port);
        CheckPort(builder, "Webhook:MetricsPort", options.MetricsPort);
        if (!string.IsNullOrEmpty(options.MetricsAddress) && !System.Net.IPAddress.TryParse(options.MetricsAddress, out _))
        {
            builder.AddError($"Webhook:MetricsAddress: '{options.MetricsAddress}' is not an IP address (empty binds every interface)");
        }

        if (options.Port != 0 && options.Port == options.MetricsPort)
        {
            builder.AddError($"Webhook:MetricsPort: {options.MetricsPort} is also Webhook:Port; health and metrics need their own port");
        }

        if (!options.SelfManagedCertificates)
        {
            CheckFile(builder, "Webhook:CertFile", options.CertFile);
            CheckFile(builder, "Webhook:KeyFile", options.KeyFile);
            return builder.Build();
        }

        CheckWritableLocation(builder, "Webhook:CertFile", options.CertFile);
        CheckWritableLocation(builder, "Webhook:KeyFile", options.KeyFile);
        if (!string.IsNullOrWhiteSpace(options.CertFile) && Path.GetFullPath(options.CertFile) == Path.GetFullPath(options.KeyFile))
        {
            builder.AddError("Webhook:KeyFile: must differ from Webhook:CertFile (the guard writes the certificate and the key to separate files)");
        }

        if (string.IsNullOrWhiteSpace(options.Namespace))
        {
            builder.AddError(
                $"Webhook:Namespace: self-managed certificates need the guard's namespace (where the CA Secret and the Service are): " +
                $"set {WebhookOptions.PodNamespaceVariable} (the manifests set it from the pod) or Webhook:Namespace");
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

    private static void CheckWritableLocation(ValidateOptionsResultBuilder builder, string setting, string path)
    {
        if (!string.IsNullOrWhiteSpace(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory && !Directory.Exists(directory))
        {
            builder.AddError($"{setting}: directory '{directory}' does not exist (self-managed certificates are written there)");
        }
    }
}
