using k8s.LeaderElection;

namespace AdmissionGuard.Tests.Leadership;

/// <summary>
/// A Lease whose first read after <see cref="NextGetHeldAsync"/> is held: the answer (the record as it was when asked)
/// is given only by <see cref="HeldGet.Answer"/>, like a slow API server reply to a renewal that was already sent.
/// </summary>
internal sealed class RenewalInFlightLock(InMemoryLock lease) : ILock
{
    private readonly TaskCompletionSource<HeldGet> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holding;

    public string Identity => lease.Identity;

    /// <summary>Holds the next read; completes when it has been made.</summary>
    public Task<HeldGet> NextGetHeldAsync()
    {
        Interlocked.Exchange(ref _holding, 1);
        return _held.Task;
    }

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        var record = await lease.GetAsync(cancellationToken);
        if (Interlocked.Exchange(ref _holding, 0) == 0)
        {
            return record;
        }

        // Continuations run inline: Answer() returns only after the caller has acted on the answer.
        var answer = new TaskCompletionSource<LeaderElectionRecord>();
        _held.SetResult(new HeldGet(() => answer.SetResult(record)));
        return await answer.Task;
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        lease.CreateAsync(record, cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        lease.UpdateAsync(record, cancellationToken);

    public string Describe() => lease.Describe();

    internal sealed record HeldGet(Action Answer);
}
