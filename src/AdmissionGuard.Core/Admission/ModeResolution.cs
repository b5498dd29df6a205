namespace AdmissionGuard.Core.Admission;

/// <summary>The mode that applies to a namespace, and a warning when its label could not be used.</summary>
public sealed record ModeResolution(GuardMode Mode, string? Warning)
{
    // Every admission request resolves a mode, nearly always without a warning: one shared instance per mode, indexed
    // by the mode's value (GuardMode numbers its members from 0).
    private static readonly ModeResolution[] Plain = [.. Enum.GetValues<GuardMode>().Select(mode => new ModeResolution(mode, null))];

    public IReadOnlyList<string> Warnings => WarningsWith();

    /// <summary>This resolution's warning, if any, followed by <paramref name="more"/> (the array itself when there is none).</summary>
    public IReadOnlyList<string> WarningsWith(params string[] more) => Warning is null ? more : [Warning, .. more];

    /// <summary>The resolution to <paramref name="mode"/> without a warning.</summary>
    public static ModeResolution Of(GuardMode mode) => Plain[(int)mode];
}
