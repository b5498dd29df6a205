using AdmissionGuard.Benchmarks.CommandLine;
using AdmissionGuard.Benchmarks.Healing;
using AdmissionGuard.Benchmarks.Scale;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Benchmarks;

public sealed class CommandOptionsTests
{
    private static readonly string[] Valued = ["--seconds", "--guard-env"];
    private static readonly string[] Flags = ["--no-build"];

    [Theory]
    [InlineData("unknown option --secnds", "--secnds", "5")]
    [InlineData("unknown option --bogus", "--no-build", "--bogus")]
    [InlineData("--seconds needs a value", "--seconds")]
    [InlineData("unexpected argument '5'", "5")]
    [InlineData("--seconds takes a whole number from 1 to 60, not 'ten'", "--seconds", "ten")]
    [InlineData("--seconds takes a whole number from 1 to 60, not '61'", "--seconds", "61")]
    [InlineData("--guard-env takes NAME=VALUE, not '=1'", "--guard-env", "=1")]
    public void A_mistyped_or_bad_option_is_named_instead_of_leaving_a_default_in_its_place(string problem, params string[] args)
    {
        var given = CommandOptions.Parse(args, Valued, Flags);
        given.Whole("--seconds", 1, 60, 30);
        given.NameValues("--guard-env");

        given.Problem.Should().Be(problem);
    }

    [Fact]
    public void A_file_option_is_made_absolute_for_servers_started_elsewhere_and_a_missing_file_is_named()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("guard.dll"), "");
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), directory.File("guard.dll"));
        var given = CommandOptions.Parse(["--guard", relative, "--baseline", "missing.dll"], ["--guard", "--baseline"], []);

        var guard = given.ExistingFile("--guard", "built by make load");
        var baseline = given.ExistingFile("--baseline", "built by make load");

        Path.IsPathRooted(relative).Should().BeFalse();
        guard.Should().Be(directory.File("guard.dll"));
        baseline.Should().Be("missing.dll");
        given.Problem.Should().Be("--baseline missing.dll: no such file (built by make load)");
        CommandOptions.Parse([], ["--guard"], []).ExistingFile("--guard", "").Should().BeNull("the option was not given");
    }

    [Fact]
    public void The_first_problem_in_the_command_line_is_the_one_named()
    {
        var given = CommandOptions.Parse(["--seconds", "0", "--bogus"], Valued, Flags);

        given.Problem.Should().Be("unknown option --bogus", "the option names are checked as the line is read, the values after");
    }

    [Fact]
    public void Values_flags_and_repeated_options_are_read_as_given()
    {
        var given = CommandOptions.Parse(["--seconds", "10", "--guard-env", "A=1", "--no-build", "--guard-env", "B=x=y", "--seconds", "12"], Valued, Flags);

        given.Problem.Should().BeNull();
        given.Whole("--seconds", 1, 60, 30).Should().Be(12, "the last value given counts");
        given.Has("--no-build").Should().BeTrue();
        given.NameValues("--guard-env").Should().Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" });
        CommandOptions.Parse([], Valued, Flags).Whole("--seconds", 1, 60, 30).Should().Be(30);
    }

    [Fact]
    public void A_required_option_left_out_is_named()
    {
        var given = CommandOptions.Parse([], ["--guard"], []);

        given.Required("--guard").Should().BeEmpty();
        given.Problem.Should().Be("--guard is required");
    }

    [Fact]
    public void The_scale_scenario_reads_its_options_and_refuses_a_typo()
    {
        ScaleOptions.TryParse(["scale-scenario", "--pods", "150000", "--nodes", "500", "--no-build", "--guard-env", "DOTNET_gcServer=1"], out var options, out var error)
            .Should().BeTrue(error);
        (options.Pods, options.Nodes, options.Build, options.Cycles).Should().Be((150_000, 500, false, 3));
        options.GuardEnvironment.Should().ContainKey("DOTNET_gcServer").WhoseValue.Should().Be("1");

        ScaleOptions.TryParse(["scale-scenario", "--pod", "150000"], out _, out error).Should().BeFalse();
        error.Should().Be("unknown option --pod");
    }

    [Fact]
    public void The_healing_scenario_reads_its_options_and_refuses_a_bad_value()
    {
        ScenarioOptions.TryParse(["healing-scenario", "--nodes", "300", "--grace", "30", "--concurrency", "One"], out var options, out var error)
            .Should().BeTrue(error);
        (options.Nodes, options.Grace, options.Start, options.Concurrency).Should().Be((300, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), "One"));

        ScenarioOptions.TryParse(["healing-scenario", "--nodes", "0"], out _, out error).Should().BeFalse();
        error.Should().Be("--nodes takes a whole number from 1 to 5000, not '0'");
    }
}
