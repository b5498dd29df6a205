namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// Values as Go's <c>%#v</c> prints them, which is how kube-apiserver's field errors quote an invalid value:
/// <c>"a"</c>, <c>[]string{"a", "b"}</c>, <c>map[string]string{"k":"v"}</c> (keys sorted), and the typed nil of each.
/// </summary>
internal static class GoSyntax
{
    public static string Quote(string value) =>
        $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public static string Strings(IEnumerable<string>? values) =>
        values is null ? "[]string(nil)" : $"[]string{{{string.Join(", ", values.Select(Quote))}}}";

    public static string Map(IDictionary<string, string>? map) =>
        map is null ? "map[string]string(nil)"
        : $"map[string]string{{{string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Quote(p.Key)}:{Quote(p.Value)}"))}}}";
}
