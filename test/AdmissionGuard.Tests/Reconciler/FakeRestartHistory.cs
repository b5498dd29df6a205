using AdmissionGuard.Core.Healing;
using AdmissionGuard.Reconciler;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>Restarts recorded by an earlier leader, as the test declares; reading may be made to fail.</summary>
internal sealed class FakeRestartHistory : IRestartHistory
{
    public List<RecordedRestart> Recorded { get; } = [];

    public bool Fails { get; set; }

    public int Reads { get; private set; }

    /// <summary>When set, reads answer when the test completes it.</summary>
    public TaskCompletionSource<IReadOnlyList<RecordedRestart>>? Answer { get; set; }

    public Task<IReadOnlyList<RecordedRestart>> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        if (Answer is not null)
        {
            return Answer.Task;
        }

        return Fails
            ? Task.FromException<IReadOnlyList<RecordedRestart>>(new HttpRequestException("connection refused"))
            : Task.FromResult<IReadOnlyList<RecordedRestart>>([.. Recorded]);
    }
}
