using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Checks the <c>Webhook</c> section: files exist (or, when the guard writes them itself, their directory does), ports
/// are ports and differ, names are names the API server accepts, self-managed certificates know their namespace.
/// </summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionRules(WebhookOptions.SectionName);
        CheckPort(rules, nameof(options.Port), options.Port);
        CheckPort(rules, nameof(options.MetricsPort), options.MetricsPort);
        if (options.Port != 0 && options.Port == options.MetricsPort)
        {
            rules.Fail(nameof(options.MetricsPort), $"{options.MetricsPort} is also Webhook:Port; health and metrics need their own port");
        }

        CheckRange(rules, nameof(options.MaxConnections), options.MaxConnections, 1, 10_000);
        CheckRange(rules, nameof(options.MaxConcurrentRequests), options.MaxConcurrentRequests, 1, 1_000);
        CheckRange(rules, nameof(options.RequestQueueLimit), options.RequestQueueLimit, 0, 10_000);
        if (!string.IsNullOrEmpty(options.MetricsAddress) && !System.Net.IPAddress.TryParse(options.MetricsAddress, out _))
        {
            rules.Fail(nameof(options.MetricsAddress), $"'{options.MetricsAddress}' is not an IP address (empty binds every interface)");
        }

        rules.NotEmpty(nameof(options.CaSecretName), options.CaSecretName);
        rules.DnsSubdomain(nameof(options.CaSecretName), options.CaSecretName);
        rules.NotEmpty(nameof(options.ServiceName), options.ServiceName);
        rules.DnsLabel(nameof(options.ServiceName), options.ServiceName);
        rules.DnsLabel(nameof(options.Namespace), options.Namespace);
        rules.Required(nameof(options.CertFile), options.CertFile, "the PEM serving certificate (cert-manager's tls.crt)");
        rules.Required(nameof(options.KeyFile), options.KeyFile, "the PEM private key (cert-manager's tls.key)");
        if (!options.SelfManagedCertificates)
        {
            CheckFile(rules, nameof(options.CertFile), options.CertFile);
            CheckFile(rules, nameof(options.KeyFile), options.KeyFile);
            return rules.Result();
        }

        CheckWritableLocation(rules, nameof(options.CertFile), options.CertFile);
        CheckWritableLocation(rules, nameof(options.KeyFile), options.KeyFile);
        if (!string.IsNullOrWhiteSpace(options.CertFile) && Path.GetFullPath(options.CertFile) == Path.GetFullPath(options.KeyFile))
        {
            rules.Fail(nameof(options.KeyFile), "must differ from Webhook:CertFile (the guard writes the certificate and the key to separate files)");
        }

        if (string.IsNullOrWhiteSpace(options.Namespace))
        {
            rules.Fail(
                nameof(options.Namespace),
                $"self-managed certificates need the guard's namespace (where the CA Secret and the Service are): " +
                $"set {WebhookOptions.PodNamespaceVariable} (the manifests set it from the pod) or Webhook:Namespace");
        }

        return rules.Result();
    }

    private static void CheckPort(OptionRules rules, string key, int port)
    {
        if (port is < 0 or > 65535)
        {
            rules.Fail(key, $"{port} is not a port (1-65535, or 0 for any free port)");
        }
    }

    private static void CheckRange(OptionRules rules, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            rules.Fail(key, $"{value} is outside {min}-{max}");
        }
    }

    private static void CheckFile(OptionRules rules, string key, string path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            rules.Fail(key, $"file '{path}' does not exist");
        }
    }

    private static void CheckWritableLocation(OptionRules rules, string key, string path)
    {
        if (!string.IsNullOrWhiteSpace(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory && !Directory.Exists(directory))
        {
            rules.Fail(key, $"directory '{directory}' does not exist (self-managed certificates are written there)");
        }
    }
}
