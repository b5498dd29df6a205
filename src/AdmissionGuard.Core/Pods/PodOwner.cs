namespace AdmissionGuard.Core.Pods;

/// <summary>The controller that owns a pod (the ownerReference with controller: true).</summary>
public sealed record PodOwner(string Kind, string Name, string Uid);
