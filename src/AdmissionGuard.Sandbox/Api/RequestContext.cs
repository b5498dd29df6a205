using System.Buffers;
using System.Text;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Per-request settings and what admission hands back (warnings), for in-process and HTTP callers alike.</summary>
public sealed class RequestContext
{
    // kube-apiserver's warning recorder (filters/warning.go): budgets are counted in runes.
    private const int TotalRunes = 4 * 1024;
    private const int TruncatedRunes = 256;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _recorded = [];
    private readonly List<string> _sent = [];
    private int _written;
    private bool _truncating;

    /// <summary>Run admission and validation but store nothing (<c>?dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// deleteOptions.gracePeriodSeconds (<c>?gracePeriodSeconds=</c>): how long a deleted pod may take to terminate;
    /// null takes the pod's spec.terminationGracePeriodSeconds, 0 deletes at once.
    /// </summary>
    public long? GracePeriodSeconds { get; set; }

    /// <summary>What to do with fields the kind's type does not have (<c>?fieldValidation=</c>); Warn when not asked.</summary>
    public FieldValidation FieldValidation { get; init; } = FieldValidation.Warn;

    /// <summary>userInfo.username in AdmissionReviews.</summary>
    public string User { get; init; } = "system:admin";

    /// <summary>The warnings the client gets (HTTP sends them as Warning headers), in the order they were added.</summary>
    public IReadOnlyList<string> Warnings => _sent;

    /// <summary>
    /// Adds a warning as kube-apiserver's recorder does: an identical text is sent once; a text with control
    /// characters or that is no valid Unicode is dropped; once the texts would pass 4096 runes in total, every warning
    /// (the ones already added too) is cut to 256 runes, and after the cut texts reach 4096 runes the rest are dropped.
    /// </summary>
    public void AddWarning(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || (_truncating && _written >= TotalRunes) || !_seen.Add(text))
        {
            return;
        }

        _recorded.Add(text);
        var sent = _truncating ? Truncate(text) : text;
        if (!IsValidHeaderText(sent))
        {
            return;
        }

        var runes = RuneCount(sent);
        if (_truncating || _written + runes <= TotalRunes)
        {
            _sent.Add(sent);
            _written += runes;
            return;
        }

        _truncating = true;
        _written = 0;
        _sent.Clear();
        foreach (var recorded in _recorded.Select(Truncate).Where(IsValidHeaderText))
        {
            _sent.Add(recorded);
            _written += RuneCount(recorded);
        }
    }

    private static string Truncate(string text)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (++count > TruncatedRunes)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static int RuneCount(string text) => text.EnumerateRunes().Count();

    // A lone surrogate is what invalid UTF-8 becomes in a .NET string.
    private static bool IsValidHeaderText(string text)
    {
        var remaining = text.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var used) != OperationStatus.Done || Rune.IsControl(rune))
            {
                return false;
            }

            remaining = remaining[used..];
        }

        return true;
    }
}

/// <summary>The fieldValidation directive of a create, update or patch: unknown fields are dropped in every case.</summary>
public enum FieldValidation
{
    /// <summary>Dropped silently.</summary>
    Ignore,

    /// <summary>Dropped, with a warning each (the API server's default).</summary>
    Warn,

    /// <summary>The request is refused (kubectl's default, <c>--validate=strict</c>).</summary>
    Strict,
}
