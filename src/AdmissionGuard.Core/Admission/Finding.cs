using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Admission;

/// <summary>What a decision found, recorded as audit annotations so an auditor can see why.</summary>
internal sealed record Finding(string Reason, string? Node = null, Taint? Taint = null)
{
    public IReadOnlyDictionary<string, string> ToAnnotations(AdmissionOutcome outcome, GuardMode mode)
    {
        // Keys carry no prefix: the apiserver prefixes them with the webhook name, and a second '/' is invalid.
        var entries = new KeyValuePair<string, string>[3 + (Node is null ? 0 : 1) + (Taint is null ? 0 : 1)];
        entries[0] = new("decision", outcome.ToLabelValue());
        entries[1] = new("mode", mode.ToLabelValue());
        entries[2] = new("reason", Reason);
        var next = 3;
        if (Node is not null)
        {
            entries[next++] = new("node", Node);
        }

        if (Taint is not null)
        {
            entries[next] = new("taint", Taint.ToString());
        }

        return new AuditAnnotations(entries);
    }
}
