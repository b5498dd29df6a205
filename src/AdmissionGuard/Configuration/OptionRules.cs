using System.Text.RegularExpressions;
using AdmissionGuard.Core.Labels;

namespace AdmissionGuard.Configuration;

/// <summary>
/// The checks the validators share, each failure worded the same way: the setting first, as operators read it at
/// start-up, then what is wrong with the value.
/// </summary>
internal sealed partial class OptionRules(string section)
{
    private readonly List<string> _failures = [];

    public void InRange<T>(string key, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            Fail(key, $"'{value}' must be between {min} and {max}");
        }
    }

    public void NotEmpty(string key, string value, string why = "")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(key, $"must not be empty{why}");
        }
    }

    public void Required(string key, string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _failures.Add($"{Setting(key)} is required: {what}");
        }
    }

    /// <summary>RFC 1123 label, as the API server requires of namespaces and Services.</summary>
    public void DnsLabel(string key, string value)
    {
        if (value.Length > 0 && !DnsLabelPattern().IsMatch(value))
        {
            Fail(key, "must be a DNS label (lower-case letters, digits, '-')");
        }
    }

    /// <summary>RFC 1123 subdomain, as the API server requires of most object names (Leases, Secrets).</summary>
    public void DnsSubdomain(string key, string value)
    {
        if (value.Length > 0 && !DnsSubdomainPattern().IsMatch(value))
        {
            Fail(key, "must be a DNS subdomain (lower-case letters, digits, '-', '.')");
        }
    }

    public void LabelSelectorParses(string key, string value)
    {
        if (!LabelSelector.TryParse(value, out _, out var error))
        {
            Fail(key, error);
        }
    }

    /// <summary>Records a failure of <c>Section:key</c>; with no section (""), <paramref name="key"/> is the whole setting name.</summary>
    public void Fail(string key, string problem) => _failures.Add($"{Setting(key)}: {problem}");

    public Microsoft.Extensions.Options.ValidateOptionsResult Result() =>
        _failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(_failures);

    private string Setting(string key) => section.Length == 0 ? key : $"{section}:{key}";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomainPattern();
}
