using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Core.Labels;

/// <summary>
/// Recursive-descent parser for the label selector string grammar of k8s.io/apimachinery:
/// <c>[!]key [ (=|==|!=) value | (in|notin) (v1,v2) | (&gt;|&lt;) integer ]</c>, terms joined by commas.
/// </summary>
internal sealed partial class LabelSelectorParser(string text)
{
    private const int MaxNameLength = 63;
    private const int MaxPrefixLength = 253;
    private int _position;

    public bool TryParse(out List<LabelRequirement> requirements, out string error)
    {
        requirements = [];
        error = "";
        try
        {
            do
            {
                requirements.Add(ParseRequirement());
            }
            while (TryConsume(","));

            SkipSpace();
            if (_position < text.Length)
            {
                throw Error($"unexpected '{text[_position]}'");
            }

            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    private LabelRequirement ParseRequirement()
    {
        if (TryConsume("!"))
        {
            return new LabelRequirement(ParseKey(), SelectorOperator.DoesNotExist, []);
        }

        var key = ParseKey();
        SkipSpace();
        if (_position >= text.Length || text[_position] == ',')
        {
            return new LabelRequirement(key, SelectorOperator.Exists, []);
        }

        if (TryConsume("==") || TryConsume("="))
        {
            return new LabelRequirement(key, SelectorOperator.Equals, [ParseValue()]);
        }

        if (TryConsume("!="))
        {
            return new LabelRequirement(key, SelectorOperator.NotEquals, [ParseValue()]);
        }

        if (TryConsume(">") || TryConsume("<"))
        {
            var op = text[_position - 1] == '>' ? SelectorOperator.GreaterThan : SelectorOperator.LessThan;
            var start = _position;
            var number = ParseValue();
            if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                _position = start;
                throw Error($"'{number}' is not an integer, as {(op == SelectorOperator.GreaterThan ? ">" : "<")} requires");
            }

            return new LabelRequirement(key, op, [number]);
        }

        var word = PeekWord();
        if (word is "in" or "notin")
        {
            SkipWord(word);
            return new LabelRequirement(key, word == "in" ? SelectorOperator.In : SelectorOperator.NotIn, ParseValueSet());
        }

        throw Error($"expected one of =, ==, !=, in, notin, >, < or ',' after key \"{key}\"");
    }

    private List<string> ParseValueSet()
    {
        if (!TryConsume("("))
        {
            throw Error("expected '(' to open the set of values");
        }

        var values = new List<string>();
        do
        {
            values.Add(ParseValue());
        }
        while (TryConsume(","));

        if (!TryConsume(")"))
        {
            throw Error("expected ',' or ')' in the set of values");
        }

        return values;
    }

    private string ParseKey()
    {
        var start = SkipSpaceAndMark();
        var key = ReadWord();
        if (key.Length == 0)
        {
            throw Error("expected a label key");
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefix = slash < 0 ? null : key[..slash];
        if (prefix is not null && (prefix.Length > MaxPrefixLength || !DnsSubdomain().IsMatch(prefix)))
        {
            _position = start;
            throw Error($"key prefix \"{prefix}\" must be a DNS subdomain (lowercase alphanumerics, '-' and '.')");
        }

        if (name.Length > MaxNameLength || !LabelName().IsMatch(name))
        {
            _position = start;
            throw Error($"key \"{key}\" must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        }

        return key;
    }

    private string ParseValue()
    {
        var start = SkipSpaceAndMark();
        var value = ReadWord();
        if (value.Length > 0 && (value.Length > MaxNameLength || !LabelName().IsMatch(value)))
        {
            _position = start;
            throw Error($"value \"{value}\" must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        }

        return value;
    }

    private string ReadWord()
    {
        var start = _position;
        while (_position < text.Length && !IsDelimiter(text[_position]))
        {
            _position++;
        }

        return text[start.._position];
    }

    private string PeekWord()
    {
        var saved = _position;
        SkipSpace();
        var word = ReadWord();
        _position = saved;
        return word;
    }

    private void SkipWord(string word)
    {
        SkipSpace();
        _position += word.Length;
    }

    private bool TryConsume(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0)
        {
            return false;
        }

        _position += token.Length;
        return true;
    }

    private int SkipSpaceAndMark()
    {
        SkipSpace();
        return _position;
    }

    private void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }

    private static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c is '!' or '=' or ',' or '(' or ')' or '<' or '>';

    private FormatException Error(string reason) => new($"{reason} at position {_position}");

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
