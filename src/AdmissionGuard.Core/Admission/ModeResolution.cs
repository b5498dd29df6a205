namespace AdmissionGuard.Core.Admission;

/// <summary>The mode that applies to a namespace, and a warning when its label could not be used.</summary>
public sealed record ModeResolution(GuardMode Mode, string? Warning)
{
    public IReadOnlyList<string> Warnings => Warning is null ? [] : [Warning];
}
