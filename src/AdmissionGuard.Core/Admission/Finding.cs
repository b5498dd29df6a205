using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Admission;

/// <summary>What a decision found, recorded as audit annotations so an auditor can see why.</summary>
internal sealed record Finding(string Reason, string? Node = null, Taint? Taint = null)
{
    public IReadOnlyDictionary<string, string> ToAnnotations(AdmissionOutcome outcome, GuardMode mode)
    {
        // Keys carry no prefix: the apiserver prefixes them with the webhook name, and a second '/' is invalid.
        // Sized for all five keys: every decision that finds something builds one.
        var annotations = new Dictionary<string, string>(5)
        {
            ["decision"] = outcome.ToLabelValue(),
            ["mode"] = mode.ToLabelValue(),
            ["reason"] = Reason,
        };
        if (Node is not null)
        {
            annotations["node"] = Node;
        }

        if (Taint is not null)
        {
            annotations["taint"] = Taint.ToString();
        }

        return annotations;
    }
}
