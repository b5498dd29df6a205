using AdmissionGuard.Webhook;

namespace AdmissionGuard.Tests.Webhook;

public sealed class ConcurrencyCapTests
{
    [Fact]
    public void Admits_up_to_its_maximum_and_again_after_an_exit()
    {
        var cap = new ConcurrencyCap(2);

        cap.TryEnter().Should().BeTrue();
        cap.TryEnter().Should().BeTrue();
        cap.TryEnter().Should().BeFalse();
        cap.TryEnter().Should().BeFalse("a refused entry must not count against later ones");

        cap.Exit();

        cap.TryEnter().Should().BeTrue();
        cap.TryEnter().Should().BeFalse();
    }
}
