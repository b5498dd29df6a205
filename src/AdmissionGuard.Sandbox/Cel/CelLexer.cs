using System.Globalization;
using System.Text;

namespace AdmissionGuard.Sandbox.Cel;

internal enum CelTokenKind
{
    Identifier,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Operator,
    End,
}

/// <param name="Value">The literal's value (long, ulong, double, string, byte[]), or the identifier or operator text.</param>
internal sealed record CelToken(CelTokenKind Kind, object Value, int Offset)
{
    public string Text => Value as string ?? "";

    public bool Is(string op) => Kind == CelTokenKind.Operator && Text == op;

    public override string ToString() => Kind switch
    {
        CelTokenKind.End => "<EOF>",
        CelTokenKind.String => $"'{Value}'",
        _ => Convert.ToString(Value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>CEL's lexical syntax (cel-spec <c>langdef.md</c>): numbers, quoted, triple-quoted, raw and bytes strings with their escapes, operators.</summary>
internal static class CelLexer
{
    private static readonly string[] Operators =
        ["&&", "||", "==", "!=", "<=", ">=", ".?", "[?", "!", "<", ">", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

    /// <summary>Words an identifier may not be (a field may: <c>request.namespace</c> is fine).</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace",
        "return", "var", "void", "while",
    };

    public static List<CelToken> Tokenize(string source)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (true)
        {
            i = SkipSpaceAndComments(source, i);
            if (i >= source.Length)
            {
                tokens.Add(new CelToken(CelTokenKind.End, "", i));
                return tokens;
            }

            var c = source[i];
            var start = i;
            if (IsQuote(source, i, out var prefixLength))
            {
                var raw = source[i..(i + prefixLength)].Contains('r', StringComparison.OrdinalIgnoreCase);
                var bytes = source[i..(i + prefixLength)].Contains('b', StringComparison.OrdinalIgnoreCase);
                var (text, end) = ReadString(source, i + prefixLength, raw, start);
                tokens.Add(bytes ? new CelToken(CelTokenKind.Bytes, Encoding.UTF8.GetBytes(text), start) : new CelToken(CelTokenKind.String, text, start));
                i = end;
            }
            else if (char.IsAsciiDigit(c) || c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1]))
            {
                (var token, i) = ReadNumber(source, i);
                tokens.Add(token);
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Identifier, source[start..i], start));
            }
            else if (Operators.FirstOrDefault(op => string.CompareOrdinal(source, i, op, 0, op.Length) == 0) is { } op)
            {
                tokens.Add(new CelToken(CelTokenKind.Operator, op, start));
                i += op.Length;
            }
            else
            {
                throw CelCompileException.At(source, start, $"Syntax error: token recognition error at: '{c}'");
            }
        }
    }

    private static int SkipSpaceAndComments(string source, int i)
    {
        while (i < source.Length)
        {
            if (char.IsWhiteSpace(source[i]))
            {
                i++;
            }
            else if (string.CompareOrdinal(source, i, "//", 0, 2) == 0)
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>A string starts here: a quote, optionally after <c>r</c>, <c>b</c>, <c>rb</c> or <c>br</c> (any case).</summary>
    private static bool IsQuote(string source, int i, out int prefixLength)
    {
        for (prefixLength = 2; prefixLength >= 0; prefixLength--)
        {
            if (i + prefixLength < source.Length && source[i + prefixLength] is '\'' or '"' && IsStringPrefix(source.AsSpan(i, prefixLength)))
            {
                return true;
            }
        }

        prefixLength = 0;
        return false;

        static bool IsStringPrefix(ReadOnlySpan<char> prefix) => prefix.Length switch
        {
            0 => true,
            1 => char.ToLowerInvariant(prefix[0]) is 'r' or 'b',
            _ => (char.ToLowerInvariant(prefix[0]), char.ToLowerInvariant(prefix[1])) is ('r', 'b') or ('b', 'r'),
        };
    }

    private static (string Text, int End) ReadString(string source, int i, bool raw, int start)
    {
        var quote = source[i];
        var triple = i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote;
        var delimiter = triple ? new string(quote, 3) : quote.ToString();
        i += delimiter.Length;
        var text = new StringBuilder();
        while (true)
        {
            if (i >= source.Length || !triple && source[i] is '\n' or '\r')
            {
                throw CelCompileException.At(source, start, "Syntax error: token recognition error: unterminated string");
            }

            if (string.CompareOrdinal(source, i, delimiter, 0, delimiter.Length) == 0)
            {
                return (text.ToString(), i + delimiter.Length);
            }

            if (source[i] == '\\' && !raw)
            {
                i = ReadEscape(source, i, text);
            }
            else
            {
                text.Append(source[i++]);
            }
        }
    }

    private static int ReadEscape(string source, int i, StringBuilder text)
    {
        if (i + 1 >= source.Length)
        {
            throw CelCompileException.At(source, i, "Syntax error: token recognition error: unterminated escape");
        }

        var e = source[i + 1];
        switch (e)
        {
            case 'a': text.Append('\a'); return i + 2;
            case 'b': text.Append('\b'); return i + 2;
            case 'f': text.Append('\f'); return i + 2;
            case 'n': text.Append('\n'); return i + 2;
            case 'r': text.Append('\r'); return i + 2;
            case 't': text.Append('\t'); return i + 2;
            case 'v': text.Append('\v'); return i + 2;
            case '\\' or '\'' or '"' or '`' or '?': text.Append(e); return i + 2;
            case 'x' or 'X': return AppendCodePoint(source, i, 2, 16, text);
            case 'u': return AppendCodePoint(source, i, 4, 16, text);
            case 'U': return AppendCodePoint(source, i, 8, 16, text);
            case >= '0' and <= '3': return AppendCodePoint(source, i, 3, 8, text, digitsStart: i + 1);
            default: throw CelCompileException.At(source, i, $"Syntax error: token recognition error: invalid escape '\\{e}'");
        }
    }

    private static int AppendCodePoint(string source, int i, int digits, int radix, StringBuilder text, int? digitsStart = null)
    {
        var first = digitsStart ?? i + 2;
        if (first + digits > source.Length)
        {
            throw CelCompileException.At(source, i, "Syntax error: token recognition error: short escape");
        }

        var value = 0;
        for (var d = first; d < first + digits; d++)
        {
            var digit = radix == 16 ? HexValue(source[d]) : source[d] is >= '0' and <= '7' ? source[d] - '0' : -1;
            if (digit < 0)
            {
                throw CelCompileException.At(source, i, "Syntax error: token recognition error: invalid escape digits");
            }

            value = (value * radix) + digit;
        }

        if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
        {
            throw CelCompileException.At(source, i, "Syntax error: invalid code point in escape");
        }

        text.Append(char.ConvertFromUtf32(value));
        return first + digits;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static (CelToken Token, int End) ReadNumber(string source, int i)
    {
        var start = i;
        if (string.CompareOrdinal(source, i, "0x", 0, 2) == 0 || string.CompareOrdinal(source, i, "0X", 0, 2) == 0)
        {
            i += 2;
            while (i < source.Length && HexValue(source[i]) >= 0)
            {
                i++;
            }

            var digits = source[(start + 2)..i];
            return Integer(source, start, i, digits, NumberStyles.AllowHexSpecifier);
        }

        while (i < source.Length && char.IsAsciiDigit(source[i]))
        {
            i++;
        }

        var isDouble = false;
        if (i + 1 < source.Length && source[i] == '.' && char.IsAsciiDigit(source[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < source.Length && char.IsAsciiDigit(source[i]))
            {
                i++;
            }
        }

        if (i < source.Length && source[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < source.Length && source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < source.Length && char.IsAsciiDigit(source[exponent]))
            {
                isDouble = true;
                i = exponent;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                {
                    i++;
                }
            }
        }

        if (isDouble)
        {
            return (new CelToken(CelTokenKind.Double, double.Parse(source[start..i], NumberStyles.Float, CultureInfo.InvariantCulture), start), i);
        }

        return Integer(source, start, i, source[start..i], NumberStyles.None);
    }

    private static (CelToken Token, int End) Integer(string source, int start, int i, string digits, NumberStyles style)
    {
        if (i < source.Length && source[i] is 'u' or 'U')
        {
            return ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var unsigned)
                ? (new CelToken(CelTokenKind.Uint, unsigned, start), i + 1)
                : throw CelCompileException.At(source, start, $"Syntax error: invalid uint literal");
        }

        // The lexer reads the digits of -9223372036854775808 without the sign; the parser negates it.
        return ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var value) && value <= (ulong)long.MaxValue + 1
            ? (new CelToken(CelTokenKind.Int, value, start), i)
            : throw CelCompileException.At(source, start, "Syntax error: invalid int literal");
    }
}
