using System.Threading.Channels;

namespace AdmissionGuard.Reconciler;

/// <summary>Coalescing trigger: any number of pulses while a cycle runs wake the loop once.</summary>
internal sealed class ReconcileTrigger : IReconcileTrigger
{
    private readonly Channel<bool> _pulses = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Pulse() => _pulses.Writer.TryWrite(true);

    /// <summary>Completes at the next pulse (at once when one is pending) and consumes it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken) =>
        await _pulses.Reader.ReadAsync(cancellationToken);
}
