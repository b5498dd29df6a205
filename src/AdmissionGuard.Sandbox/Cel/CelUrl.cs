using System.Text;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// Kubernetes' CEL URL library (<c>url()</c>, <c>isURL()</c>, <c>getScheme()</c>, <c>getHost()</c>, <c>getHostname()</c>,
/// <c>getPort()</c>, <c>getEscapedPath()</c>, <c>getQuery()</c>): a URL as kube-apiserver reads it with Go's
/// <c>net/url</c>. Go's <c>ParseRequestURI</c> decides whether the text is a URL (an absolute URI or an absolute path,
/// no control characters, a valid authority and valid escapes), then <c>Parse</c>, which splits off the fragment,
/// gives the parts. Written again from Go's documented rules; opaque URIs (<c>mailto:x</c>) keep no host or path.
/// </summary>
/// <param name="rawPath">The path as written, when it is not the plain escaping of <paramref name="path"/> (Go's RawPath).</param>
internal sealed class CelUrl(string scheme, string host, string path, string rawPath, string rawQuery)
{
    public static readonly CelType Type = new("kubernetes.URL");

    private enum Mode
    {
        Host,
        Path,
        UserPassword,
        QueryComponent,
        Fragment,
    }

    /// <summary><c>url(string)</c>.</summary>
    public static CelUrl Parse(string text)
    {
        // ParseRequestURI decides; Parse, which splits off the fragment, gives the parts.
        var (url, error) = Read(text, viaRequest: true) is { Error: { } requestError } ? (null, requestError) : ReadWithFragment(text);
        return url ?? throw new CelEvaluationException($"URL parse error during conversion from string: parse {Quote(text)}: {error}");
    }

    /// <summary><c>isURL(string)</c>.</summary>
    public static bool IsUrl(string text) => Read(text, viaRequest: true).Error is null;

    public object Call(string method, object?[] args) => (method, args) switch
    {
        ("getScheme", []) => scheme,
        ("getHost", []) => host,
        ("getHostname", []) => SplitHostPort(host).Host,
        ("getPort", []) => SplitHostPort(host).Port,
        ("getEscapedPath", []) => EscapedPath(),
        ("getQuery", []) => Query(),
        _ => throw CelInterpreter.NoOverload(method, [this, .. args]),
    };

    private static (CelUrl? Url, string? Error) ReadWithFragment(string text)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0 && Unescape(text[(hash + 1)..], Mode.Fragment).Error is { } fragmentError)
        {
            return (null, fragmentError);
        }

        return Read(hash < 0 ? text : text[..hash], viaRequest: false);
    }

    private static (CelUrl? Url, string? Error) Read(string raw, bool viaRequest)
    {
        if (raw.Any(c => c < 0x20 || c == 0x7f))
        {
            return (null, "net/url: invalid control character in URL");
        }

        if (raw.Length == 0 && viaRequest)
        {
            return (null, "empty url");
        }

        if (raw == "*")
        {
            return (new CelUrl("", "", "*", "", ""), null);
        }

        var (scheme, rest, schemeError) = SplitScheme(raw);
        if (schemeError is not null)
        {
            return (null, schemeError);
        }

        scheme = scheme.ToLowerInvariant();
        var rawQuery = "";
        if (rest.EndsWith('?') && rest.Count(c => c == '?') == 1)
        {
            rest = rest[..^1];
        }
        else if (rest.IndexOf('?', StringComparison.Ordinal) is var question and >= 0)
        {
            (rest, rawQuery) = (rest[..question], rest[(question + 1)..]);
        }

        if (!rest.StartsWith('/'))
        {
            if (scheme.Length > 0)
            {
                return (new CelUrl(scheme, "", "", "", rawQuery), null);
            }

            if (viaRequest)
            {
                return (null, "invalid URI for request");
            }

            if (rest.Split('/')[0].Contains(':', StringComparison.Ordinal))
            {
                return (null, "first path segment in URL cannot contain colon");
            }
        }

        var host = "";
        if ((scheme.Length > 0 || (!viaRequest && !rest.StartsWith("///", StringComparison.Ordinal))) && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            (authority, rest) = slash >= 0 ? (authority[..slash], authority[slash..]) : (authority, "");
            string? authorityError;
            (host, authorityError) = ReadAuthority(authority);
            if (authorityError is not null)
            {
                return (null, authorityError);
            }
        }

        var (path, pathError) = Unescape(rest, Mode.Path);
        return pathError is not null
            ? (null, pathError)
            : (new CelUrl(scheme, host, path!, Escape(path!, Mode.Path) == rest ? "" : rest, rawQuery), null);
    }

    private static (string Scheme, string Remainder, string? Error) SplitScheme(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsAsciiLetter(c))
            {
                continue;
            }

            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0)
                {
                    return ("", raw, null);
                }

                continue;
            }

            if (c == ':')
            {
                return i == 0 ? ("", raw, "missing protocol scheme") : (raw[..i], raw[(i + 1)..], null);
            }

            return ("", raw, null);
        }

        return ("", raw, null);
    }

    private static (string Host, string? Error) ReadAuthority(string authority)
    {
        var at = authority.LastIndexOf('@');
        var (host, hostError) = ReadHost(at < 0 ? authority : authority[(at + 1)..]);
        if (hostError is not null || at < 0)
        {
            return (host, hostError);
        }

        var userinfo = authority[..at];
        if (!userinfo.All(c => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c, StringComparison.Ordinal)))
        {
            return ("", "net/url: invalid userinfo");
        }

        var colon = userinfo.IndexOf(':', StringComparison.Ordinal);
        var error = Unescape(colon < 0 ? userinfo : userinfo[..colon], Mode.UserPassword).Error
            ?? (colon < 0 ? null : Unescape(userinfo[(colon + 1)..], Mode.UserPassword).Error);
        return (host, error);
    }

    private static (string Host, string? Error) ReadHost(string host)
    {
        var portStart = host.StartsWith('[') ? host.LastIndexOf(']') is var close and >= 0 ? close + 1 : -2 : host.LastIndexOf(':');
        if (portStart == -2)
        {
            return ("", "missing ']' in host");
        }

        if (portStart >= 0 && !ValidOptionalPort(host[portStart..]))
        {
            return ("", $"invalid port {Quote(host[portStart..])} after host");
        }

        var (unescaped, error) = Unescape(host, Mode.Host);
        return (unescaped ?? "", error);
    }

    private static bool ValidOptionalPort(string port) => port.Length == 0 || (port[0] == ':' && port[1..].All(char.IsAsciiDigit));

    private static (string Host, string Port) SplitHostPort(string hostPort)
    {
        var (host, port) = (hostPort, "");
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && ValidOptionalPort(host[colon..]))
        {
            (host, port) = (host[..colon], host[(colon + 1)..]);
        }

        return host.StartsWith('[') && host.EndsWith(']') ? (host[1..^1], port) : (host, port);
    }

    private string EscapedPath()
    {
        if (rawPath.Length > 0 && ValidEncoded(rawPath) && Unescape(rawPath, Mode.Path).Text == path)
        {
            return rawPath;
        }

        return path == "*" ? "*" : Escape(path, Mode.Path);
    }

    private static bool ValidEncoded(string path) =>
        path.All(c => "!$&'()*+,;=:@[]%".Contains(c, StringComparison.Ordinal) || !ShouldEscape(c, Mode.Path));

    /// <summary>The query's keys and values, unescaped; a pair with a semicolon or a bad escape is left out, as Go does.</summary>
    private CelMap Query()
    {
        var values = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';', StringComparison.Ordinal))
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (key, keyError) = Unescape(equals < 0 ? pair : pair[..equals], Mode.QueryComponent);
            var (value, valueError) = Unescape(equals < 0 ? "" : pair[(equals + 1)..], Mode.QueryComponent);
            if (keyError is null && valueError is null)
            {
                (values.TryGetValue(key!, out var list) ? list : values[key!] = []).Add(value);
            }
        }

        return new CelMap(values.ToDictionary(entry => (object)entry.Key, entry => (object?)entry.Value, CelMap.KeyComparer));
    }

    /// <summary>Go's <c>unescape</c>: %XX sequences decoded (a bad one is an error), '+' a space in query components.</summary>
    private static (string? Text, string? Error) Unescape(string text, Mode mode)
    {
        var bytes = new List<byte>(text.Length);
        var utf8 = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b == '%')
            {
                if (i + 2 >= utf8.Length || !char.IsAsciiHexDigit((char)utf8[i + 1]) || !char.IsAsciiHexDigit((char)utf8[i + 2]))
                {
                    return (null, $"invalid URL escape {Quote(Encoding.UTF8.GetString(utf8, i, Math.Min(3, utf8.Length - i)))}");
                }

                var escaped = Convert.ToByte(Encoding.ASCII.GetString(utf8, i + 1, 2), 16);
                if (mode == Mode.Host && escaped < 0x80 && escaped != '%')
                {
                    return (null, $"invalid URL escape {Quote(Encoding.ASCII.GetString(utf8, i, 3))}");
                }

                bytes.Add(escaped);
                i += 2;
            }
            else if (b == '+' && mode == Mode.QueryComponent)
            {
                bytes.Add((byte)' ');
            }
            else if (mode == Mode.Host && b < 0x80 && ShouldEscape((char)b, mode))
            {
                return (null, $"invalid character {Quote(((char)b).ToString())} in host name");
            }
            else
            {
                bytes.Add(b);
            }
        }

        return (Encoding.UTF8.GetString([.. bytes]), null);
    }

    private static string Escape(string text, Mode mode)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            escaped.Append(b >= 0x80 || ShouldEscape((char)b, mode) ? $"%{b:X2}" : ((char)b).ToString());
        }

        return escaped.ToString();
    }

    /// <summary>Go's <c>shouldEscape</c> for the modes the library reaches.</summary>
    private static bool ShouldEscape(char c, Mode mode)
    {
        if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
        {
            return false;
        }

        if (mode == Mode.Host && "!$&'()*+,;=:[]<>\"".Contains(c, StringComparison.Ordinal))
        {
            return false;
        }

        if ("$&+,/:;=?@".Contains(c, StringComparison.Ordinal))
        {
            return mode switch
            {
                Mode.Path => c == '?',
                Mode.UserPassword => c is '@' or '/' or '?' or ':',
                Mode.Fragment => false,
                _ => true,
            };
        }

        return mode != Mode.Fragment || c is not ('!' or '(' or ')' or '*');
    }

    private static string Quote(string text) => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
