namespace AdmissionGuard.Sandbox.Admission;

/// <summary>An API kind with its group and version.</summary>
public sealed record GroupVersionKind(string Group, string Version, string Kind)
{
    public static GroupVersionKind Binding { get; } = new("", "v1", "Binding");

    public static GroupVersionKind Eviction { get; } = new("policy", "v1", "Eviction");

    /// <summary>What the <c>scale</c> subresource of Deployments, ReplicaSets and StatefulSets reads and writes.</summary>
    public static GroupVersionKind Scale { get; } = new("autoscaling", "v1", "Scale");
}
