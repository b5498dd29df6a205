namespace AdmissionGuard.Reconciler;

/// <summary>
/// Asks the reconciler for a cycle now instead of at the next interval. The caches pulse it on changes that
/// matter (a taint removed, an agent pod Ready, an endpoint gone); pulses coalesce, so pulsing is cheap.
/// </summary>
internal interface IReconcileTrigger
{
    void Pulse();
}
