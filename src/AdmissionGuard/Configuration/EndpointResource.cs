namespace AdmissionGuard.Configuration;

/// <summary>A custom resource named as kubectl fully qualifies it: <c>plural.version.group</c>.</summary>
internal sealed record EndpointResource(string Group, string Version, string Plural)
{
    /// <summary>Cilium's CiliumEndpoints, the default of <c>Cni:EndpointResource</c>.</summary>
    public static EndpointResource Cilium { get; } = Parse(CniOptions.CiliumEndpoints);

    public static bool TryParse(string text, out EndpointResource resource)
    {
        resource = new EndpointResource("", "", "");
        var parts = text.Split('.', 3);
        if (parts.Length < 3 || parts.Any(string.IsNullOrWhiteSpace) || !parts[1].StartsWith('v'))
        {
            return false;
        }

        resource = new EndpointResource(parts[2], parts[1], parts[0]);
        return true;
    }

    public static EndpointResource Parse(string text) =>
        TryParse(text, out var resource) ? resource : throw new FormatException($"'{text}' is not plural.version.group");

    public override string ToString() => $"{Plural}.{Version}.{Group}";
}
