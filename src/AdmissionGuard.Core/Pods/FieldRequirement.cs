namespace AdmissionGuard.Core.Pods;

/// <summary>One <c>matchFields</c> requirement of a node selector term, as pinning reads it.</summary>
public sealed record FieldRequirement(string Key, string Operator, IReadOnlyList<string> Values);
