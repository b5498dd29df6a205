namespace AdmissionGuard.Tests.Cluster;

/// <summary>The slim facts the informer tests project ConfigMaps to.</summary>
internal sealed record Setting(string Namespace, string Name, string Value);
