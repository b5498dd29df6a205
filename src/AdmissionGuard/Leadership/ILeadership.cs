namespace AdmissionGuard.Leadership;

/// <summary>Whether this instance may act on the cluster now.</summary>
internal interface ILeadership
{
    bool IsLeader { get; }

    /// <summary>Counts the times this instance gained leadership: a new term must rebuild what another leader did meanwhile.</summary>
    int Term { get; }
}
