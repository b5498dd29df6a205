using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

public sealed class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.Kubeconfig) || File.Exists(options.Kubeconfig)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Kubernetes:Kubeconfig: file '{options.Kubeconfig}' does not exist");
    }
}
