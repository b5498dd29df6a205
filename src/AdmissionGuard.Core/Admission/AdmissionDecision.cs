namespace AdmissionGuard.Core.Admission;

/// <summary>
/// What admission answers for one request. Decisions are values: the webhook only translates them.
/// <para>
/// A pod CREATE goes through both webhooks, and kubectl prints every warning of every webhook, so each
/// webhook returns its own share of the one decision (<see cref="ForMutatingPodCreate"/>,
/// <see cref="ForValidatingPodCreate"/>). A <c>pods/binding</c> CREATE reaches only the validating
/// webhook, which returns the whole decision.
/// </para>
/// </summary>
public sealed record AdmissionDecision
{
    private static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();

    public required AdmissionOutcome Outcome { get; init; }

    /// <summary>Why the request is refused; null when it is allowed.</summary>
    public string? DenialMessage { get; init; }

    public bool Allowed => DenialMessage is null;

    /// <summary>Add the scheduling gate <see cref="WellKnown.SchedulingGate"/> (false when the pod already has it).</summary>
    public bool AddGate { get; init; }

    /// <summary>kubectl warnings: one line each, at most <see cref="WarningText.MaxLength"/> characters.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Audit annotations; the apiserver prefixes each key with the webhook's name.</summary>
    public IReadOnlyDictionary<string, string> AuditAnnotations { get; init; } = NoAnnotations;

    /// <summary>
    /// The mutating webhook's share: the gate, the warnings and the audit annotations, never a denial.
    /// A pod the validating webhook will refuse passes here with only the namespace warnings, so the user
    /// sees the refusal once.
    /// </summary>
    public AdmissionDecision ForMutatingPodCreate() =>
        Allowed ? this : new AdmissionDecision { Outcome = AdmissionOutcome.Skipped, Warnings = Warnings };

    /// <summary>The validating webhook's share: the denial and its audit annotations, never a warning.</summary>
    public AdmissionDecision ForValidatingPodCreate() => Allowed
        ? new AdmissionDecision { Outcome = Outcome == AdmissionOutcome.Skipped ? AdmissionOutcome.Skipped : AdmissionOutcome.Allowed }
        : this with { Warnings = [] };

    internal static AdmissionDecision Skip(ModeResolution mode) =>
        new() { Outcome = AdmissionOutcome.Skipped, Warnings = mode.Warnings };

    internal static AdmissionDecision Allow(ModeResolution mode) =>
        new() { Outcome = AdmissionOutcome.Allowed, Warnings = mode.Warnings };

    internal static AdmissionDecision Warn(ModeResolution mode, Finding finding, params string[] warnings) => new()
    {
        Outcome = AdmissionOutcome.Warned,
        Warnings = mode.WarningsWith(warnings),
        AuditAnnotations = finding.ToAnnotations(AdmissionOutcome.Warned, mode.Mode),
    };

    internal static AdmissionDecision Gate(ModeResolution mode, Finding finding, bool addGate, string warning) => new()
    {
        Outcome = AdmissionOutcome.Gated,
        AddGate = addGate,
        Warnings = mode.WarningsWith(warning),
        AuditAnnotations = finding.ToAnnotations(AdmissionOutcome.Gated, mode.Mode),
    };

    internal static AdmissionDecision Deny(ModeResolution mode, Finding finding, string message) => new()
    {
        Outcome = AdmissionOutcome.Denied,
        DenialMessage = message,
        Warnings = mode.Warnings,
        AuditAnnotations = finding.ToAnnotations(AdmissionOutcome.Denied, mode.Mode),
    };

    internal static AdmissionDecision FailOpen(ModeResolution mode, Finding finding) => new()
    {
        Outcome = AdmissionOutcome.Allowed,
        Warnings = mode.Warnings,
        AuditAnnotations = finding.ToAnnotations(AdmissionOutcome.Allowed, mode.Mode),
    };
}
