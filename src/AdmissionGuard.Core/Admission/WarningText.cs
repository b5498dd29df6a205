using System.Text;

namespace AdmissionGuard.Core.Admission;

/// <summary>
/// Makes texts safe for kubectl warnings: the apiserver silently drops a warning with control characters or
/// invalid UTF-8, and kubectl shows long ones badly, so every warning is one line under 160 characters. That is room
/// for the names a user needs whole: a cloud provider's node name (EKS's <c>ip-a-b-c-d.region.compute.internal</c>
/// runs to 45 characters, AKS's and GKE's to about 40), the taint's key and the longest text around them; only names
/// longer than that (a node name may have 253 characters) are shortened.
/// </summary>
public static class WarningText
{
    public const int MaxLength = 159;
    private const string Ellipsis = "...";
    private const int ShortestPart = 12;

    /// <summary>Replaces control characters and lone UTF-16 surrogates (invalid UTF-8) with '?'.</summary>
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // Names are almost always clean: return them as they are rather than rebuilding them rune by rune.
        var text = value.AsSpan();
        if (!text.ContainsAnyInRange('\0', '\u001f') && !text.ContainsAnyInRange('\u007f', '\u009f')
            && !text.ContainsAnyInRange('\ud800', '\udfff') && !text.Contains('\ufffd'))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            builder.Append(Rune.IsControl(rune) || rune == Rune.ReplacementChar ? "?" : rune.ToString());
        }

        return builder.ToString();
    }

    /// <summary>
    /// Renders <paramref name="template"/> with sanitized <paramref name="values"/>, shortening the longest value (node
    /// names may have 253 characters) until the text fits in <see cref="MaxLength"/>. The length is worked out before
    /// rendering, so the text is rendered once: this runs for most admission requests.
    /// </summary>
    public static string Fit(WarningTemplate template, params ReadOnlySpan<string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new string[values.Length];
        var length = template.FixedLength;
        for (var i = 0; i < values.Length; i++)
        {
            parts[i] = Sanitize(values[i]);
            length += parts[i].Length;
        }

        while (length > MaxLength && parts.Length > 0)
        {
            var longest = 0;
            for (var i = 1; i < parts.Length; i++)
            {
                longest = parts[i].Length > parts[longest].Length ? i : longest;
            }

            var target = Math.Max(ShortestPart, parts[longest].Length - (length - MaxLength));
            if (parts[longest].Length <= target)
            {
                break;
            }

            var shortened = Shorten(parts[longest], target);
            length += shortened.Length - parts[longest].Length;
            parts[longest] = shortened;
        }

        var text = template.Render(parts);
        return text.Length > MaxLength ? Shorten(text, MaxLength) : text;
    }

    private static string Shorten(string text, int length)
    {
        var keep = length - Ellipsis.Length;
        // Never cut a surrogate pair in two: half a pair is invalid UTF-8.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), Ellipsis);
    }
}
