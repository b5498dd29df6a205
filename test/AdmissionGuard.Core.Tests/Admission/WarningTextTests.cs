using System.Text;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using CsCheck;
using static AdmissionGuard.Core.Tests.Admission.Scenario;

namespace AdmissionGuard.Core.Tests.Admission;

public sealed class WarningTextTests
{
    // Any UTF-16 text up to the longest node name, control characters and lone surrogates included.
    private static readonly Gen<string> AnyText = Gen.Char.Array[0, 260].Select(chars => new string(chars));

    private static void ShouldBeAValidWarning(string warning)
    {
        warning.Length.Should().BeLessThan(160);
        warning.Should().NotContainAny("\n", "\r");
        warning.Any(char.IsControl).Should().BeFalse();
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        strict.Invoking(e => e.GetByteCount(warning)).Should().NotThrow();
    }

    [Fact]
    public void Every_admission_warning_is_one_valid_line_under_160_characters()
    {
        Gen.Select(AnyText, AnyText, AnyText, Gen.Int[0, 5000]).Sample((node, key, ns, count) =>
        {
            var taint = new Taint(key, "", "NoExecute");
            ShouldBeAValidWarning(AdmissionMessages.StillTainted(node, taint));
            ShouldBeAValidWarning(AdmissionMessages.Gated(node, taint));
            ShouldBeAValidWarning(AdmissionMessages.MayLandOnTaintedNode(node, count, taint));
            ShouldBeAValidWarning(AdmissionMessages.UnknownNode(node));
            ShouldBeAValidWarning(AdmissionMessages.InvalidModeLabel(ns, key, GuardMode.Gate));
        });
    }

    [Fact]
    public void Decisions_with_any_node_and_taint_names_produce_valid_warnings()
    {
        var modes = Gen.Enum<GuardMode>();
        var targets = Gen.Enum<TargetKind>();
        Gen.Select(AnyText, AnyText, modes, targets, Gen.Bool).Sample((node, key, mode, target, releaser) =>
        {
            var taint = new Taint(key, "", "NoExecute");
            var cluster = new StaticClusterSnapshot([new NodeFacts(node, [taint])], gateReleaserAlive: releaser);
            var policy = new AdmissionPolicy(mode, [key], ExclusionPolicy.None);
            var pod = Pod(target, node);

            foreach (var warning in PodAdmission.DecideCreate(pod, cluster, policy).Warnings)
            {
                ShouldBeAValidWarning(warning);
            }
        });
    }

    [Fact]
    public void Long_node_names_are_shortened_but_keep_their_start_and_the_taint()
    {
        var node = "ip-10-0-1-7." + new string('a', 240);

        var warning = AdmissionMessages.StillTainted(node, CiliumTaint);

        warning.Should().StartWith("node ip-10-0-1-7.aaa").And.Contain("...").And.Contain("node.cilium.io/agent-not-ready");
        warning.Length.Should().Be(WarningText.MaxLength);
    }

    [Theory]
    [InlineData("ip-192-168-100-200.us-west-2.compute.internal")]
    [InlineData("ip-10-0-1-23.ec2.internal")]
    [InlineData("aks-nodepool1-12345678-vmss000000")]
    [InlineData("gke-prod-cluster-default-pool-1a2b3c4d-abcd")]
    public void Cloud_provider_node_names_and_the_Cilium_taint_are_shown_whole(string node)
    {
        string[] warnings =
        [
            AdmissionMessages.StillTainted(node, CiliumTaint),
            AdmissionMessages.Gated(node, CiliumTaint),
            AdmissionMessages.MayLandOnTaintedNode(node, 1, CiliumTaint),
            AdmissionMessages.MayLandOnTaintedNode(node, 5000, CiliumTaint), // Kubernetes' largest cluster
        ];

        warnings.Should().AllSatisfy(warning =>
        {
            warning.Should().Contain($"node {node} ").And.Contain($" {CiliumTaint.Key}: ").And.NotContain("...");
            ShouldBeAValidWarning(warning);
        });
        AdmissionMessages.UnknownNode(node).Should().Contain($"node {node} ").And.NotContain("...");
    }

    [Fact]
    public void A_template_knows_the_length_of_its_text_without_the_values()
    {
        new WarningTemplate("node {0} is still tainted {1}").FixedLength.Should().Be("node  is still tainted ".Length);
    }

    [Fact]
    public void Values_that_fit_are_rendered_as_they_are()
    {
        WarningText.Fit(new WarningTemplate("node {0} is still tainted {1}"), "worker-1", "node.cilium.io/agent-not-ready")
            .Should().Be("node worker-1 is still tainted node.cilium.io/agent-not-ready");
    }

    [Fact]
    public void Only_the_longest_value_is_shortened_and_just_enough_to_fit()
    {
        var template = new WarningTemplate("{0} / {1}");
        var longest = new string('n', 200);

        var warning = WarningText.Fit(template, longest, "taint");

        warning.Should().Be(new string('n', 148) + "... / taint");
        warning.Length.Should().Be(WarningText.MaxLength);
    }

    [Fact]
    public void A_text_too_long_without_its_values_is_cut_at_the_limit()
    {
        var warning = WarningText.Fit(new WarningTemplate(new string('t', 170) + " {0}"), "node");

        warning.Should().Be(new string('t', WarningText.MaxLength - 3) + "...");
    }

    [Theory]
    [InlineData("a\nb", "a?b")]
    [InlineData("tab\there", "tab?here")]
    [InlineData("bell\u0007", "bell?")]
    [InlineData("emoji 🚀 ok", "emoji 🚀 ok")]
    [InlineData("", "")]
    public void Sanitize_replaces_what_the_apiserver_would_drop(string input, string expected)
    {
        WarningText.Sanitize(input).Should().Be(expected);
    }

    [Fact]
    public void Sanitize_replaces_a_lone_surrogate()
    {
        // Built at run time: attribute metadata cannot carry a lone surrogate.
        var input = "lone" + (char)0xD800 + "surrogate";

        WarningText.Sanitize(input).Should().Be("lone?surrogate");
    }
}
