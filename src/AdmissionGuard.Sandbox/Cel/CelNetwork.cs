using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// Kubernetes' CEL IP and CIDR libraries (<c>ip()</c>, <c>isIP()</c>, <c>cidr()</c>, <c>isCIDR()</c> and their methods),
/// as kube-apiserver reads addresses with Go's <c>netip</c>: IPv4 only as four decimal octets without leading zeros,
/// no IPv6 zone and no IPv4-mapped IPv6 address. The canonical form is .NET's, which is Go's (RFC 5952) but for IPv6
/// addresses that embed an IPv4 one (<c>::1.2.3.4</c>), which Go writes in hexadecimal.
/// </summary>
internal static class CelNetwork
{
    public static readonly CelType IpType = new("net.IP");
    public static readonly CelType CidrType = new("net.CIDR");

    /// <summary><c>ip(string)</c>.</summary>
    public static CelIp ParseIp(string text) =>
        TryParseAddress(text, out var address, out var problem)
            ? new CelIp(address)
            : throw new CelEvaluationException($"IP Address \"{text}\" parse error during conversion from string: {problem}");

    /// <summary><c>isIP(string)</c>.</summary>
    public static bool IsIp(string text) => TryParseAddress(text, out _, out _);

    /// <summary><c>ip.isCanonical(string)</c>: whether the address is written as <c>string(ip(...))</c> writes it.</summary>
    public static bool IsCanonical(string text) => ParseIp(text).ToString() == text;

    /// <summary><c>cidr(string)</c>.</summary>
    public static CelCidr ParseCidr(string text) =>
        TryParseCidr(text, out var cidr, out var problem)
            ? cidr
            : throw new CelEvaluationException($"network address parse error during conversion from string: network address \"{text}\" {problem}");

    /// <summary><c>isCIDR(string)</c>.</summary>
    public static bool IsCidr(string text) => TryParseCidr(text, out _, out _);

    private static bool TryParseCidr(string text, out CelCidr cidr, out string problem)
    {
        cidr = null!;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            problem = "has no prefix length";
            return false;
        }

        if (!TryParseAddress(text[..slash], out var address, out problem))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var length = text[(slash + 1)..];
        if (length.Length == 0 || length.Length > 3 || !length.All(char.IsAsciiDigit) || (length.Length > 1 && length[0] == '0')
            || int.Parse(length, CultureInfo.InvariantCulture) > bits)
        {
            problem = "has a bad prefix length";
            return false;
        }

        cidr = new CelCidr(address, int.Parse(length, CultureInfo.InvariantCulture));
        return true;
    }

    private static bool TryParseAddress(string text, out IPAddress address, out string problem)
    {
        address = IPAddress.None;
        problem = "";
        if (!text.Contains(':', StringComparison.Ordinal))
        {
            var octets = text.Split('.');
            if (octets.Length != 4 || octets.Any(o => o.Length is 0 or > 3 || !o.All(char.IsAsciiDigit) || (o.Length > 1 && o[0] == '0')
                || int.Parse(o, CultureInfo.InvariantCulture) > 255))
            {
                problem = "not an IPv4 address of four decimal octets (no leading zeros) or an IPv6 address";
                return false;
            }

            address = IPAddress.Parse(text);
            return true;
        }

        if (text.Contains('%', StringComparison.Ordinal))
        {
            problem = "an IP address with a zone is not allowed";
            return false;
        }

        if (text.StartsWith('[') || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            problem = "not an IPv6 address";
            return false;
        }

        if (parsed.IsIPv4MappedToIPv6)
        {
            problem = "an IPv4-mapped IPv6 address is not allowed";
            return false;
        }

        address = parsed;
        return true;
    }
}

/// <summary>An address of <see cref="CelNetwork"/>'s <c>ip()</c>; equal when the addresses are.</summary>
internal sealed class CelIp(IPAddress address) : IEquatable<CelIp>
{
    public IPAddress Address { get; } = address;

    public object Call(string method, object?[] args)
    {
        var bytes = Address.GetAddressBytes();
        var v4 = Address.AddressFamily == AddressFamily.InterNetwork;
        return (method, args) switch
        {
            ("family", []) => v4 ? 4L : 6L,
            ("isUnspecified", []) => bytes.All(b => b == 0),
            ("isLoopback", []) => v4 ? bytes[0] == 127 : IPAddress.IPv6Loopback.Equals(Address),
            ("isLinkLocalMulticast", []) => v4 ? bytes is [224, 0, 0, _] : bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02,
            ("isLinkLocalUnicast", []) => v4 ? bytes is [169, 254, _, _] : bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80,
            ("isGlobalUnicast", []) => IsGlobalUnicast(bytes, v4),
            _ => throw CelInterpreter.NoOverload(method, [this, .. args]),
        };
    }

    public bool Equals(CelIp? other) => other is not null && Address.Equals(other.Address);

    public override bool Equals(object? obj) => obj is CelIp other && Equals(other);

    public override int GetHashCode() => Address.GetHashCode();

    /// <summary>Go's canonical form (<c>string(ip)</c>): IPv6 compressed and in lower case.</summary>
    public override string ToString() => Address.ToString();

    // Go's netip.Addr.IsGlobalUnicast: anything but the unspecified, loopback, multicast, link-local and (IPv4) broadcast
    // addresses; private ranges count as global.
    private bool IsGlobalUnicast(byte[] bytes, bool v4) =>
        !bytes.All(b => b == 0)
        && !(v4 ? bytes[0] == 127 : IPAddress.IPv6Loopback.Equals(Address))
        && !(v4 ? bytes[0] is >= 224 and <= 239 : bytes[0] == 0xff)
        && !(v4 ? bytes is [169, 254, _, _] : bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80)
        && !(v4 && bytes.All(b => b == 255));
}

/// <summary>A network of <see cref="CelNetwork"/>'s <c>cidr()</c>: the address as written and its prefix length.</summary>
internal sealed class CelCidr(IPAddress address, int prefixLength) : IEquatable<CelCidr>
{
    public IPAddress Address { get; } = address;

    public int PrefixLength { get; } = prefixLength;

    public object Call(string method, object?[] args) => (method, args) switch
    {
        ("containsIP", [CelIp ip]) => Contains(ip.Address),
        ("containsIP", [string text]) => Contains(CelNetwork.ParseIp(text).Address),
        ("containsCIDR", [CelCidr other]) => other.PrefixLength >= PrefixLength && Contains(other.Address),
        ("containsCIDR", [string text]) => Call(method, [CelNetwork.ParseCidr(text)]),
        ("ip", []) => new CelIp(Address),
        ("masked", []) => new CelCidr(Masked(Address), PrefixLength),
        ("prefixLength", []) => (long)PrefixLength,
        _ => throw CelInterpreter.NoOverload(method, [this, .. args]),
    };

    public bool Equals(CelCidr? other) => other is not null && Address.Equals(other.Address) && PrefixLength == other.PrefixLength;

    public override bool Equals(object? obj) => obj is CelCidr other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Address, PrefixLength);

    public override string ToString() => $"{Address}/{PrefixLength}";

    private bool Contains(IPAddress candidate) =>
        candidate.AddressFamily == Address.AddressFamily && Masked(candidate).Equals(Masked(Address));

    private IPAddress Masked(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var kept = Math.Clamp(PrefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - kept));
        }

        return new IPAddress(bytes);
    }
}
