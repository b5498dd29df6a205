using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Admission;

/// <summary>What admission enforces: the options, reduced to what decisions read.</summary>
/// <param name="DefaultMode">Mode for namespaces without a valid <see cref="WellKnown.NamespaceModeLabel"/>.</param>
/// <param name="TaintKeys">A node carrying a taint with one of these keys is not ready for CNI pods.</param>
/// <param name="Exclusions">Pods left alone even though they need the CNI.</param>
public sealed record AdmissionPolicy(GuardMode DefaultMode, IReadOnlyList<string> TaintKeys, ExclusionPolicy Exclusions)
{
    public static readonly AdmissionPolicy Default = new(GuardMode.Gate, [WellKnown.CiliumAgentNotReadyTaint], ExclusionPolicy.None);

    /// <summary>
    /// The mode for a namespace: its label when valid, else the default. An invalid label is reported as a
    /// warning instead of refusing pods, because the namespace owner, not the pod author, has to fix it.
    /// </summary>
    public ModeResolution ModeFor(IReadOnlyDictionary<string, string>? namespaceLabels, string podNamespace)
    {
        if (namespaceLabels is null || !namespaceLabels.TryGetValue(WellKnown.NamespaceModeLabel, out var text))
        {
            return ModeResolution.Of(DefaultMode);
        }

        return GuardModes.TryParse(text, out var mode)
            ? ModeResolution.Of(mode)
            : new(DefaultMode, AdmissionMessages.InvalidModeLabel(podNamespace, text, DefaultMode));
    }
}
