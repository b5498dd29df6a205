using System.Text.RegularExpressions;

namespace AdmissionGuard.Sandbox.Labels;

/// <summary>
/// apimachinery's <c>IsQualifiedName</c>, <c>IsValidLabelValue</c> and <c>IsDNS1123Subdomain</c> with their messages:
/// label keys and values in selectors, toleration keys and values, object names.
/// </summary>
internal static partial class LabelSyntax
{
    public const string DnsSubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    private const string NameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string NameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string SubdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const int NameMaxLength = 63;
    private const int SubdomainMaxLength = 253;

    // Each reason is built once: they only depend on the formats.
    private static readonly string NameRegexError = RegexError(NameMessage, NameFormat, "MyName", "my.name", "123-abc");
    private static readonly string SubdomainRegexError = RegexError(DnsSubdomainMessage, SubdomainFormat, "example.com");
    private static readonly string LabelValueRegexError = RegexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        $"({NameFormat})?", "MyValue", "my_value", "12345");

    public static bool IsDnsSubdomain(string text) => text.Length <= SubdomainMaxLength && Subdomain().IsMatch(text);

    /// <summary>What is wrong with a label key (an optional DNS subdomain prefix and '/', then a name); empty when nothing.</summary>
    public static IEnumerable<string> QualifiedNameErrors(string key)
    {
        var parts = key.Split('/');
        if (parts.Length > 2)
        {
            yield return $"a qualified name {NameRegexError} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
            yield break;
        }

        if (parts.Length == 2)
        {
            var prefix = parts[0];
            if (prefix.Length == 0)
            {
                yield return "prefix part must be non-empty";
            }
            else if (prefix.Length > SubdomainMaxLength)
            {
                yield return "prefix part must be no more than 253 characters";
            }
            else if (!Subdomain().IsMatch(prefix))
            {
                yield return $"prefix part {SubdomainRegexError}";
            }
        }

        var name = parts[^1];
        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
            yield break;
        }

        if (name.Length > NameMaxLength)
        {
            yield return "name part must be no more than 63 characters";
        }

        if (!Name().IsMatch(name))
        {
            yield return $"name part {NameRegexError}";
        }
    }

    /// <summary>What is wrong with a label value (empty, or a name of at most 63 characters); empty when nothing.</summary>
    public static IEnumerable<string> LabelValueErrors(string value)
    {
        if (value.Length > NameMaxLength)
        {
            yield return "must be no more than 63 characters";
        }

        if (value.Length > 0 && !Name().IsMatch(value))
        {
            yield return LabelValueRegexError;
        }
    }

    // apimachinery's RegexError: each example quoted and followed by a comma, joined with " or ".
    private static string RegexError(string message, string format, params string[] examples) =>
        $"{message} (e.g. {string.Join(" or ", examples.Select(e => $"'{e}', "))}regex used for validation is '{format}')";

    [GeneratedRegex("^" + NameFormat + "$")]
    private static partial Regex Name();

    [GeneratedRegex("^" + SubdomainFormat + "$")]
    private static partial Regex Subdomain();
}
