using System.Text;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>32-bit FNV-1a, the hash kube-controller-manager names ReplicaSets with; stable across runs.</summary>
internal static class Fnv
{
    public static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text ?? ""))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
