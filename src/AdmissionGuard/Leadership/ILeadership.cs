namespace AdmissionGuard.Leadership;

/// <summary>Whether this instance may act on the cluster now.</summary>
public interface ILeadership
{
    bool IsLeader { get; }
}
