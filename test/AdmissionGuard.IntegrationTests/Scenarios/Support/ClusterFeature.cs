namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>What a scenario may need beyond a cluster running the guard.</summary>
internal enum ClusterFeature
{
    /// <summary>Cilium creates CiliumEndpoints for the pods it manages, and none for pods that started before it.</summary>
    CiliumEndpoints,

    /// <summary>More than one node whose taint and agent the scenario controls.</summary>
    SeveralNodes,

    /// <summary>API errors injected on purpose (e.g. failing Lease writes).</summary>
    FaultInjection,
}
