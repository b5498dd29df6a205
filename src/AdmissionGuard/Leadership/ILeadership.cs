namespace AdmissionGuard.Leadership;

/// <summary>Whether this instance may act on the cluster now.</summary>
internal interface ILeadership
{
    bool IsLeader { get; }
}
