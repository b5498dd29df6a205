using System.CommandLine;
using AdmissionGuard.Core;
using AdmissionGuard.Playground.Commands;
using AdmissionGuard.Tests.Support;
using k8s;

namespace AdmissionGuard.IntegrationTests.Commands;

/// <summary><c>admissionguard-playground sandbox</c> in process, and <c>scripts/sandbox.sh up|down</c> (what make sandbox-up/down run).</summary>
public sealed class SandboxCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sandbox_with_seed_serves_kubectl_with_the_webhooks_registered_and_gates_until_SIGTERM()
    {
        var directory = Directory.CreateTempSubdirectory("admissionguard-sandbox-command-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            using var output = new StringWriter();
            using var error = new StringWriter();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var run = PlaygroundCommandLine.Create()
                .Parse(["sandbox", "--kubeconfig-out", kubeconfig, "--seed", "--nodes", "1", "--cilium-delay", "600"])
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);

            await UntilAsync(() => output.ToString().Contains("Running until SIGTERM", StringComparison.Ordinal) || run.IsCompleted, "the sandbox to be ready");
            run.IsCompleted.Should().BeFalse(error.ToString());
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            (await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("admissionguard", cancellationToken: Token)).Webhooks.Should().ContainSingle();
            (await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("admissionguard", cancellationToken: Token)).Webhooks.Should().ContainSingle();
            await UntilAsync(
                () => client.CoreV1.ListNamespacedPod("istio-system").Items.Any(p => p.Spec.SchedulingGates?.Any(g => g.Name == WellKnown.SchedulingGate) == true),
                "the seeded istio-cni-node pod to be gated");

            await stop.CancelAsync();
            (await run).Should().Be(0, error.ToString());
            output.ToString().Should().Contain("Sandbox API server").And.Contain("AdmissionGuard      guard-1, mode gate")
                .And.Contain("Seeded              nodes node-1 (tainted)").And.Contain($"kubectl --kubeconfig {kubeconfig}").And.Contain("Stopping.");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Bad_guard_settings_are_refused_with_the_setting_named()
    {
        using var error = new StringWriter();
        var directory = Directory.CreateTempSubdirectory("admissionguard-sandbox-command-");
        try
        {
            var exitCode = await PlaygroundCommandLine.Create()
                .Parse(["sandbox", "--kubeconfig-out", Path.Combine(directory.FullName, "kubeconfig"), "--Reconciler:Interval=soon"])
                .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error }, Token);

            exitCode.Should().Be(1);
            error.ToString().Should().Contain("'soon' at 'Reconciler:Interval'");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_script_starts_the_sandbox_in_the_background_and_stops_it_idempotently()
    {
        ExternalTool.FindOrSkip("kubectl", "apt-get install kubectl, or see https://kubernetes.io/docs/tasks/tools/");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        if (!File.Exists(RepositoryRoot.Combine("src", "AdmissionGuard", "bin", configuration, "net10.0", "admissionguard.dll")))
        {
            Assert.Skip($"admissionguard is not built in {configuration}");
        }

        var directory = Directory.CreateTempSubdirectory("admissionguard-sandbox-script-");
        var environment = new Dictionary<string, string> { ["SANDBOX_DIR"] = directory.FullName, ["CONFIGURATION"] = configuration };
        var script = RepositoryRoot.Combine("scripts", "sandbox.sh");
        try
        {
            var up = await ProcessRunner.RunAsync(script, ["up", "--no-build", "--mode", "warn"], TimeSpan.FromMinutes(2), Token, environment: environment);
            up.Succeeded.Should().BeTrue(up.Output);
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            var webhooks = await ProcessRunner.RunAsync("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory.FullName, "kube-cache"),
                "get", "mutatingwebhookconfiguration,validatingwebhookconfiguration", "-o", "name"], TimeSpan.FromMinutes(1), Token);
            webhooks.StandardOutput.Should().Contain("mutatingwebhookconfiguration.admissionregistration.k8s.io/admissionguard")
                .And.Contain("validatingwebhookconfiguration.admissionregistration.k8s.io/admissionguard");
            var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(directory.FullName, "sandbox.pid"), Token), System.Globalization.CultureInfo.InvariantCulture);

            var down = await ProcessRunner.RunAsync(script, ["down"], TimeSpan.FromMinutes(1), Token, environment: environment);
            var again = await ProcessRunner.RunAsync(script, ["down"], TimeSpan.FromMinutes(1), Token, environment: environment);

            down.StandardOutput.Should().Contain($"sandbox stopped (pid {pid})");
            again.Succeeded.Should().BeTrue(again.Output);
            again.StandardOutput.Should().Contain("sandbox not running");
            IsRunning(pid).Should().BeFalse();
            File.ReadAllText(Path.Combine(directory.FullName, "sandbox.log")).Should().Contain("mode warn");
        }
        finally
        {
            await ProcessRunner.RunAsync(script, ["down"], TimeSpan.FromMinutes(1), CancellationToken.None, environment: environment);
            directory.Delete(recursive: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (!condition())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            Assert.Fail($"Timed out waiting for {what}");
        }
    }
}
