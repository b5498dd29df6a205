using System.CommandLine;
using AdmissionGuard.Commands;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Commands;

public sealed class CommandLineTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = GuardCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("serve", "--help")]
    public void Help_explains_every_setting_and_where_it_can_be_given(params string[] args)
    {
        var (exitCode, output, _) = Run(args);

        exitCode.Should().Be(0);
        output.Should().Contain("--mode").And.Contain("Admission:Mode").And.Contain("off, warn, gate or deny")
            .And.Contain("--cert-file").And.Contain("Webhook:CertFile")
            .And.Contain("--port").And.Contain("--metrics-port").And.Contain("--taint-key").And.Contain("--kubeconfig")
            .And.Contain("--Section:Key=value").And.Contain("Section__Key");
    }

    [Fact]
    public void Root_help_lists_the_serve_command()
    {
        Run("--help").Output.Should().Contain("serve");
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("serve", "--Admission:Mode")]
    [InlineData("serve", "stray")]
    public void Unknown_arguments_are_refused_with_a_pointer_to_help(params string[] args)
    {
        var (exitCode, _, error) = Run(args);

        exitCode.Should().Be(2);
        error.Should().Contain("unrecognized argument").And.Contain("--Section:Key=value");
    }

    [Fact]
    public void Serve_without_a_cluster_to_watch_fails_with_a_clear_message()
    {
        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));

        var (exitCode, _, error) = Run("serve", "--mode", "warn", "--kubeconfig", "/nonexistent/kubeconfig",
            "--cert-file", certificates.File("tls.crt"), "--key-file", certificates.File("tls.key"));

        exitCode.Should().NotBe(0);
        error.Should().Contain("Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist");
    }

    [Fact]
    public void Serve_names_every_bad_setting_at_once_without_a_stack_trace()
    {
        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));

        var (exitCode, _, error) = Run("serve", "--mode", "bogus", "--kubeconfig", "/nonexistent/kubeconfig",
            "--cert-file", certificates.File("tls.crt"), "--key-file", certificates.File("tls.key"), "--Reconciler:MaxRestartsPerCycle=0");

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard: invalid configuration:")
            .And.Contain("Admission:Mode: 'bogus' is not one of off, warn, gate, deny")
            .And.Contain("Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist")
            .And.Contain("Reconciler:MaxRestartsPerCycle")
            .And.NotContain("   at ").And.NotContain("Hosting failed to start");
    }

    [Theory]
    [InlineData("serve", "--port", "abc", "admissionguard: --port: 'abc' is not a whole number")]
    [InlineData("--metrics-port", "80x", "", "admissionguard: --metrics-port: '80x' is not a whole number")]
    public void A_port_that_is_not_a_number_is_named_in_one_line_with_exit_code_2(string first, string second, string third, string message)
    {
        var (exitCode, _, error) = Run([.. new[] { first, second, third }.Where(a => a.Length > 0)]);

        exitCode.Should().Be(2);
        error.Should().StartWith(message).And.Contain("see: admissionguard serve --help").And.NotContain("Usage:").And.NotContain("System.");
    }

    [Fact]
    public void Serve_names_every_bad_setting_at_once_when_the_webhook_section_is_one_of_them()
    {
        // Kestrel reads the Webhook section while the host is built: its failures alone used to be reported.
        var (exitCode, _, error) = Run("serve", "--mode", "bogus", "--kubeconfig", "/nonexistent/kubeconfig", "--Webhook:MaxConnections=0");

        exitCode.Should().Be(2);
        error.Should().StartWith("admissionguard: invalid configuration:")
            .And.Contain("Admission:Mode: 'bogus' is not one of off, warn, gate, deny")
            .And.Contain("Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist")
            .And.Contain("Webhook:CertFile is required")
            .And.Contain("Webhook:MaxConnections: 0 is outside 1-10000")
            .And.NotContain("   at ");
    }

    [Fact]
    public void Options_become_configuration_arguments_after_pass_through_settings()
    {
        var root = new RootCommand();
        SettingOption[] settings =
        [
            SettingOption.Single<int?>("--port", "Webhook:Port", "port"),
            SettingOption.List("--taint-key", "Admission:TaintKeys", "keys"),
            SettingOption.Single<string?>("--mode", "Admission:Mode", "mode"),
        ];
        foreach (var setting in settings)
        {
            root.Options.Add(setting.Option);
        }

        root.TreatUnmatchedTokensAsErrors = false;
        var parsed = root.Parse(["--Admission:Mode=warn", "--port", "9444", "--taint-key", "a", "--taint-key", "b"]);

        ConfigurationArguments.TryCollect(parsed, settings, out var args, out var error).Should().BeTrue(error);

        args.Should().Equal("--Admission:Mode=warn", "--Webhook:Port=9444", "--Admission:TaintKeys:0=a", "--Admission:TaintKeys:1=b");
    }
}
