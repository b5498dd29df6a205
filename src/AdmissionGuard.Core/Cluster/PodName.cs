namespace AdmissionGuard.Core.Cluster;

/// <summary>A pod's namespace and name, which its CiliumEndpoint shares.</summary>
public readonly record struct PodName(string Namespace, string Name);
