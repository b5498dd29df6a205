namespace AdmissionGuard.Core.Admission;

/// <summary>What a webhook did with a request: the <c>decision</c> label of the admission metrics.</summary>
public enum AdmissionOutcome
{
    /// <summary>Not AdmissionGuard's business: mode off, a pod that needs no CNI, or not a pod.</summary>
    Skipped,

    /// <summary>Checked and nothing wrong.</summary>
    Allowed,

    /// <summary>Admitted with a warning.</summary>
    Warned,

    /// <summary>Admitted and held by the scheduling gate.</summary>
    Gated,

    /// <summary>Refused.</summary>
    Denied,
}

public static class AdmissionOutcomes
{
    public static string ToLabelValue(this AdmissionOutcome outcome) => outcome switch
    {
        AdmissionOutcome.Skipped => "skipped",
        AdmissionOutcome.Allowed => "allowed",
        AdmissionOutcome.Warned => "warned",
        AdmissionOutcome.Gated => "gated",
        AdmissionOutcome.Denied => "denied",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
