using k8s.LeaderElection;

namespace AdmissionGuard.Leadership;

/// <summary>
/// The Lease as the elector sees it, until <see cref="CloseAsync"/>. KubernetesClient's <see cref="LeaderElector"/>
/// renews from a task it does not wait for when it stops: a renewal read before shutdown can write after the Lease
/// was released and take it back for a full lease duration. Closing waits for a write in flight and refuses every
/// later one, so the release is the last word.
/// </summary>
internal sealed class ElectorLease(ILock lease) : ILock, IDisposable
{
    private readonly SemaphoreSlim _writes = new(1, 1);
    private bool _closed;

    public string Identity => lease.Identity;

    public string Describe() => lease.Describe();

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => lease.GetAsync(cancellationToken);

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WriteAsync(() => lease.CreateAsync(record, cancellationToken));

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        WriteAsync(() => lease.UpdateAsync(record, cancellationToken));

    /// <summary>Waits for a write in flight; afterwards every write is refused (reported as failed).</summary>
    public async Task CloseAsync()
    {
        await _writes.WaitAsync();
        _closed = true;
        _writes.Release();
    }

    public void Dispose() => _writes.Dispose();

    private async Task<bool> WriteAsync(Func<Task<bool>> write)
    {
        await _writes.WaitAsync();
        try
        {
            return !_closed && await write();
        }
        finally
        {
            _writes.Release();
        }
    }
}
