namespace AdmissionGuard.Core.Admission;

/// <summary>A <c>pods/binding</c> CREATE: the scheduler placing pod <paramref name="PodName"/> on <paramref name="NodeName"/>.</summary>
public sealed record PodBinding(string Namespace, string PodName, string NodeName);
