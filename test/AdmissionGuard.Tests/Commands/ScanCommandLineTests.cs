using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using AdmissionGuard.Commands;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Commands;

/// <summary><c>scan</c> arguments and failures: every one exits with 2 and one clear line, never with 1 (a finding).</summary>
public sealed class ScanCommandLineTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GuardCommandLine.Create().Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_explains_the_report_the_exit_codes_and_the_settings_that_change_the_verdicts()
    {
        var (exitCode, output, _) = await RunAsync("scan", "--help");

        exitCode.Should().Be(0);
        output.Should().Contain("Exit code 0: no unmanaged pod; 1: unmanaged pods found; 2: bad arguments")
            .And.Contain("-o, --output <table|json>").And.Contain("--timeout").And.Contain("--kubeconfig").And.Contain("--context")
            .And.Contain("--taint-key").And.Contain("--exclude-namespace").And.Contain("--exclude-pods")
            .And.Contain("--min-pod-age").And.Contain("Reconciler:MinPodAge")
            .And.Contain("--agent-namespace").And.Contain("--agent-selector").And.Contain("--Section:Key=value");
    }

    [Fact]
    public async Task Root_help_lists_scan()
    {
        (await RunAsync("--help")).Output.Should().Contain("scan").And.Contain("Read the cluster once");
    }

    [Theory]
    [InlineData("Argument 'yaml' not recognized. Must be one of:", "-o", "yaml")]
    [InlineData("Required argument missing for option: '-o'", "-o")]
    [InlineData("--timeout: '5x' is not a duration (e.g. 30s, 2m, 1m30s or 00:01:30)", "--timeout", "5x")]
    [InlineData("--timeout must be longer than 0", "--timeout", "0")]
    [InlineData("--min-pod-age: 'soon' is not a duration", "--min-pod-age", "soon")]
    [InlineData("unrecognized argument '--bogus'", "--bogus")]
    [InlineData("unrecognized argument 'stray'", "stray")]
    public async Task Bad_arguments_exit_with_2_and_say_what_is_wrong(string message, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(["scan", .. args]);

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard scan: ").And.Contain(message).And.NotContain("   at ");
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_kubeconfig_exits_with_2_naming_the_setting()
    {
        var (exitCode, _, error) = await RunAsync("scan", "--kubeconfig", "/nonexistent/kubeconfig");

        exitCode.Should().Be(2);
        error.Should().Be($"admissionguard scan: invalid configuration:{Environment.NewLine}  Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist{Environment.NewLine}");
    }

    [Fact]
    public async Task Every_bad_setting_is_named_at_once()
    {
        var (exitCode, _, error) = await RunAsync("scan", "--kubeconfig", "/nonexistent/kubeconfig", "--agent-namespace", "Kube_System", "--exclude-pods", "app in (a");

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard scan: invalid configuration:")
            .And.Contain("Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist")
            .And.Contain("Cni:AgentNamespace: must be a DNS label")
            .And.Contain("Admission:ExcludedPodSelector")
            .And.NotContain("   at ");
    }

    [Theory]
    [InlineData("Cni:AgentNamespace: must be a DNS label", "--agent-namespace", "Kube_System")]
    [InlineData("Admission:ExcludedPodSelector", "--exclude-pods", "app in (a")]
    [InlineData("Reconciler:MinPodAge", "--Reconciler:MinPodAge=soon")]
    public async Task Bad_settings_exit_with_2_naming_the_setting(string message, params string[] args)
    {
        using var directory = new TempDirectory();
        var kubeconfig = await UnreachableClusterAsync(directory);

        var (exitCode, _, error) = await RunAsync(["scan", "--kubeconfig", kubeconfig, .. args]);

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard scan: invalid configuration").And.Contain(message).And.NotContain("   at ");
    }

    [Fact]
    public async Task An_unreachable_cluster_exits_with_2_within_the_timeout_saying_why()
    {
        using var directory = new TempDirectory();
        var kubeconfig = await UnreachableClusterAsync(directory);

        var (exitCode, output, error) = await RunAsync("scan", "--kubeconfig", kubeconfig, "--timeout", "2s");

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().StartWith("admissionguard scan: could not read the cluster within 2s; still waiting for the first list of: pods, ")
            .And.Contain("nodes").And.Contain("ciliumendpoints").And.Contain("Connection refused").And.NotContain("   at ");
        error.TrimEnd().Split('\n').Should().ContainSingle("every cache failed for the same reason, said once");
    }

    [Fact]
    public async Task A_kubeconfig_without_a_server_exits_with_2()
    {
        using var directory = new TempDirectory();
        var kubeconfig = directory.File("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, "apiVersion: v1\nkind: Config\n", TestContext.Current.CancellationToken);

        var (exitCode, _, error) = await RunAsync("scan", "--kubeconfig", kubeconfig);

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard scan: cannot use the kubeconfig: ").And.NotContain("   at ");
    }

    /// <summary>A kubeconfig whose server is a loopback port nobody listens on.</summary>
    private static async Task<string> UnreachableClusterAsync(TempDirectory directory)
    {
        var kubeconfig = directory.File("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfig($"https://127.0.0.1:{ClosedPort()}"), TestContext.Current.CancellationToken);
        return kubeconfig;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Kubeconfig(string server) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster:
            server: {server}
            insecure-skip-tls-verify: true
        contexts:
        - name: gone
          context: {"{"}cluster: gone, user: gone{"}"}
        current-context: gone
        users:
        - name: gone
          user: {"{"}token: t{"}"}
        """;
}
