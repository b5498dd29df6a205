using k8s.LeaderElection;

namespace AdmissionGuard.Tests.Leadership;

/// <summary>A Lease in memory: what LeaseLock does against the API server, without one.</summary>
internal sealed class InMemoryLock(string identity, InMemoryLock.Store? store = null) : ILock
{
    public Store Lease { get; } = store ?? new Store();

    public string Identity => identity;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Lease.Record ?? throw new k8s.Autorest.HttpOperationException("not found")
        {
            Response = new k8s.Autorest.HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), ""),
        });

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        lock (Lease)
        {
            if (Lease.Record is not null)
            {
                return Task.FromResult(false);
            }

            Lease.Record = record;
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        Lease.Record = record;
        Lease.Updates++;
        return Task.FromResult(true);
    }

    public string Describe() => "admissionguard-system/admissionguard-leader";

    internal sealed class Store
    {
        public LeaderElectionRecord? Record { get; set; }

        public int Updates { get; set; }
    }
}
