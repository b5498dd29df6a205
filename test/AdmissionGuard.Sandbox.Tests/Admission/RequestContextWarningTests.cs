using AdmissionGuard.Sandbox.Api;

namespace AdmissionGuard.Sandbox.Tests.Admission;

/// <summary>The warning budget of kube-apiserver's recorder (filters/warning.go).</summary>
public sealed class RequestContextWarningTests
{
    [Fact]
    public void Identical_texts_are_sent_once_and_empty_or_control_or_broken_texts_are_dropped()
    {
        var context = new RequestContext();

        foreach (var warning in new[] { "a", "b", "a", "", "tab\there", "new\nline", "bell\u0007", "c1\u0085", "broken \ud800 surrogate", "é ünïcode ✓" })
        {
            context.AddWarning(warning);
        }

        context.Warnings.Should().Equal("a", "b", "é ünïcode ✓");
    }

    [Fact]
    public void Warnings_within_4096_runes_are_sent_whole_however_long_each_is()
    {
        var context = new RequestContext();
        var long1 = new string('x', 3000);
        var long2 = new string('y', 1096);

        context.AddWarning(long1);
        context.AddWarning(long2);

        context.Warnings.Should().Equal(long1, long2);
    }

    [Fact]
    public void Runes_not_utf16_units_count_against_the_budget()
    {
        var context = new RequestContext();
        var emoji = string.Concat(Enumerable.Repeat("😀", 4096));

        context.AddWarning(emoji);

        context.Warnings.Should().Equal(emoji);
    }

    [Fact]
    public void Passing_the_budget_cuts_every_warning_to_256_runes_the_earlier_ones_too()
    {
        var context = new RequestContext();
        var first = new string('a', 3000);
        var second = new string('b', 2000);
        var third = "short";

        context.AddWarning(first);
        context.AddWarning(second);
        context.AddWarning(third);

        context.Warnings.Should().Equal(new string('a', 256), new string('b', 256), "short");
    }

    [Fact]
    public void Once_the_cut_warnings_fill_the_budget_the_rest_are_dropped()
    {
        var context = new RequestContext();
        context.AddWarning(new string('-', 4096));
        for (var i = 0; i < 20; i++)
        {
            context.AddWarning($"{i:D2}" + new string('x', 300));
        }

        // Cut to 256 each, the first and fifteen more reach exactly 4096: later ones are dropped.
        context.Warnings.Should().HaveCount(16).And.OnlyContain(w => w.Length == 256);
        context.Warnings[^1].Should().StartWith("14");
    }
}
