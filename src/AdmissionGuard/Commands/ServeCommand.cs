using System.CommandLine;
using System.CommandLine.Invocation;
using AdmissionGuard.Configuration;

namespace AdmissionGuard.Commands;

/// <summary><c>serve</c> (the default): the webhook, the cluster caches and the leader-elected reconciler.</summary>
internal static class ServeCommand
{
    public const string SettingsHelp =
        "Every setting can also be given as --Section:Key=value, as environment variable Section__Key, or in " +
        "appsettings.json (sections Kubernetes, Webhook, Cni, Admission, Reconciler, LeaderElection; see docs/configuration.md).";

    public static Command Create()
    {
        var command = new Command("serve", "Serve the admission webhook (HTTPS) with health and metrics (HTTP). " + SettingsHelp);
        AddTo(command);
        return command;
    }

    /// <summary>Adds the options and the action; the root command gets them too, so <c>serve</c> is the default.</summary>
    public static void AddTo(Command command)
    {
        SettingOption[] settings =
        [
            SettingOption.WholeNumber("--port", "Webhook:Port", "HTTPS port of /mutate-pods and /validate-pods (default 9443)"),
            SettingOption.WholeNumber("--metrics-port", "Webhook:MetricsPort", "plain-HTTP port of /healthz, /readyz and /metrics (default 8080)"),
            SettingOption.Single<string?>("--cert-file", "Webhook:CertFile", "PEM serving certificate, reloaded when it changes (required)"),
            SettingOption.Single<string?>("--key-file", "Webhook:KeyFile", "PEM private key of the certificate (required)"),
            SettingOption.Single<string?>("--mode", "Admission:Mode", "off, warn, gate or deny (default gate); namespace label admissionguard.io/mode overrides it"),
            SharedSettings.TaintKey(),
            SharedSettings.ExcludeNamespace(),
            SharedSettings.ExcludePods(),
            SharedSettings.Kubeconfig(),
            SharedSettings.Context(),
        ];
        foreach (var setting in settings)
        {
            command.Options.Add(setting.Option);
        }

        command.TreatUnmatchedTokensAsErrors = false;
        command.Action = new ServeAction(settings);
    }

    /// <summary>
    /// Reports bad arguments itself, like bad settings: one line each and exit code 2, instead of System.CommandLine's
    /// whole help text and exit code 1.
    /// </summary>
    private sealed class ServeAction(IReadOnlyList<SettingOption> settings) : AsynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default) =>
            await ConfigurationArguments.CollectOrReportAsync(parseResult, settings, "admissionguard", "admissionguard serve --help") is { } args
                ? await RunAsync(args, parseResult.InvocationConfiguration.Error, cancellationToken)
                : 2;
    }

    private static async Task<int> RunAsync(string[] args, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            await using var app = GuardApplication.BuildGuard(args);
            SettingsFailures.ThrowIfAny(app.Services);
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        catch (Exception e) when (SettingsFailures.Of(e) is { } failures)
        {
            await stderr.WriteLineAsync("admissionguard: invalid configuration:");
            foreach (var failure in failures)
            {
                await stderr.WriteLineAsync($"  {failure}");
            }

            return 2;
        }
        catch (InvalidOperationException e)
        {
            await stderr.WriteLineAsync($"admissionguard: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            // Typically a port already in use.
            await stderr.WriteLineAsync($"admissionguard: cannot listen: {e.Message}");
            return 1;
        }
    }
}
