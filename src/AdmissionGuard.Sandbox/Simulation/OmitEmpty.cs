namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Go's <c>omitempty</c> on a status count: a field so tagged is left out of the JSON when it is 0, as in
/// <c>kubectl get deploy -o jsonpath='{.status.unavailableReplicas}'</c>, which prints nothing on a cluster.
/// </summary>
internal static class OmitEmpty
{
    public static int? Count(int value) => value == 0 ? null : value;
}
