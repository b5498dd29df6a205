using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Tests.Pods;

/// <summary>The facts keep their times as UTC ticks: what goes in must come out as the same instant, or nothing.</summary>
public sealed class PodFactsTests
{
    private static readonly PodFacts Pod = new() { Namespace = "ns", Name = "p" };

    [Fact]
    public void Times_come_back_as_the_same_instant_in_UTC()
    {
        var started = new DateTimeOffset(2026, 11, 25, 13, 58, 3, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var facts = Pod with { StartTime = started, CreationTime = started.AddSeconds(-1) };

        facts.StartTime.Should().Be(started);
        facts.StartTime!.Value.Offset.Should().Be(TimeSpan.Zero);
        facts.CreationTime.Should().Be(started.AddSeconds(-1));
    }

    [Fact]
    public void Absent_times_stay_absent_and_take_part_in_equality()
    {
        var started = Pod with { StartTime = DateTimeOffset.UnixEpoch };

        Pod.StartTime.Should().BeNull();
        Pod.CreationTime.Should().BeNull();
        (Pod with { StartTime = null }).Should().Be(Pod);
        started.Should().NotBe(Pod);
        started.Should().Be(Pod with { StartTime = DateTimeOffset.UnixEpoch.ToOffset(TimeSpan.FromHours(-5)) });
    }
}
