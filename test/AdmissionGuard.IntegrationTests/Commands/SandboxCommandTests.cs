using System.CommandLine;
using System.Text.RegularExpressions;
using AdmissionGuard.Core;
using AdmissionGuard.Playground.Commands;
using AdmissionGuard.Tests.Support;
using k8s;

namespace AdmissionGuard.IntegrationTests.Commands;

/// <summary><c>admissionguard-playground sandbox</c> in process, and <c>scripts/sandbox.sh up|down</c> (what make sandbox-up/down run).</summary>
public sealed partial class SandboxCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sandbox_with_seed_serves_kubectl_with_the_webhooks_registered_and_gates_until_SIGTERM()
    {
        var directory = Directory.CreateTempSubdirectory("admissionguard-sandbox-command-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            using var output = new ConcurrentStringWriter();
            using var error = new ConcurrentStringWriter();
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
    public async Task Fault_options_make_the_API_server_unhealthy_for_the_guard_only_and_its_readiness_says_so()
    {
        var directory = Directory.CreateTempSubdirectory("admissionguard-sandbox-command-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            using var output = new ConcurrentStringWriter();
            using var error = new ConcurrentStringWriter();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var run = PlaygroundCommandLine.Create()
                .Parse(["sandbox", "--kubeconfig-out", kubeconfig, "--fault-error", "list=1", "--fault-error", "watch=1:503",
                    "--fault-watch-drop", "500ms", "--fault-latency", "10ms", "--Kubernetes:CacheStaleness=00:00:01"])
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);

            await UntilAsync(() => output.ToString().Contains("Running until SIGTERM", StringComparison.Ordinal) || run.IsCompleted, "the sandbox to be ready");
            run.IsCompleted.Should().BeFalse(error.ToString());
            output.ToString().Should().Contain(
                "Faults              list 100% (500), watch 100% (503), latency 10ms, watches dropped after 0.5s; the guard's requests only");
            var health = new Uri(HealthAddress().Match(output.ToString()).Groups[1].Value);
            using var http = new HttpClient { BaseAddress = health };
            var readiness = "";
            await UntilAsync(
                () =>
                {
                    using var response = http.GetAsync("/readyz", Token).GetAwaiter().GetResult();
                    readiness = response.Content.ReadAsStringAsync(Token).GetAwaiter().GetResult();
                    return response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable;
                },
                "the guard to turn unready");
            // The last error is the injected fault or the dropped watch, whichever came last: both are the faults asked for.
            readiness.Should().Contain("out of sync longer than Kubernetes:CacheStaleness").And.Contain("(last error: ");

            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            (await client.CoreV1.ListNamespaceAsync(cancellationToken: Token)).Items.Should().NotBeEmpty("faults spare every client but the guard");

            await stop.CancelAsync();
            (await run).Should().Be(0, error.ToString());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--fault-error", "list=1.5", "--fault-error: 'list=1.5' is not VERB=RATE[:STATUS]")]
    [InlineData("--fault-error", "lists=0.5", "--fault-error: 'lists=0.5' is not VERB=RATE[:STATUS]")]
    [InlineData("--fault-error", "watch=1:404", "--fault-error: 'watch=1:404' is not VERB=RATE[:STATUS]")]
    [InlineData("--fault-latency", "soon", "--fault-latency: 'soon' is not a duration")]
    [InlineData("--fault-watch-drop", "-1s", "--fault-watch-drop: '-1s' is not a duration")]
    public async Task Bad_fault_options_are_refused_with_the_option_named(string option, string value, string message)
    {
        using var error = new ConcurrentStringWriter();

        var exitCode = await PlaygroundCommandLine.Create()
            .Parse(["sandbox", option, value])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error }, Token);

        exitCode.Should().NotBe(0);
        error.ToString().Should().Contain(message);
    }

    [Fact]
    public async Task Help_explains_the_fault_options()
    {
        using var output = new ConcurrentStringWriter();

        await PlaygroundCommandLine.Create().Parse(["sandbox", "--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = TextWriter.Null }, Token);

        output.ToString().Should().Contain("--fault-error").And.Contain("VERB=RATE[:STATUS]").And.Contain("--fault-latency")
            .And.Contain("--fault-watch-drop").And.Contain("--fault-watch-expired").And.Contain("--fault-everyone");
    }

    [Fact]
    public async Task Bad_guard_settings_are_refused_with_the_setting_named()
    {
        using var error = new ConcurrentStringWriter();
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

    [GeneratedRegex(@"health and metrics (\S+)")]
    private static partial Regex HealthAddress();

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
