using System.Globalization;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Hands out node IPs (192.168.0.0/16) and pod IPs (10.244.0.0/16, wrapping round) for one simulated cluster.
/// Unique enough for a sandbox: nothing routes these addresses.
/// </summary>
public sealed class AddressPool
{
    private long _nodes;
    private long _pods;

    public string NextNodeIp() => Format(192, 168, Interlocked.Increment(ref _nodes) + 9);

    public string NextPodIp() => Format(10, 244, Interlocked.Increment(ref _pods) % (254 * 256));

    private static string Format(int first, int second, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"{first}.{second}.{index / 254 % 256}.{index % 254 + 1}");
}
