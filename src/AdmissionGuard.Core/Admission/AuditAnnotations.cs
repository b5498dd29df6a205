using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AdmissionGuard.Core.Admission;

/// <summary>
/// A decision's audit annotations, in the order they were given. At most five keys, so a lookup scans them: one small
/// array per decision instead of a hash table's three objects (a gate or warn decision is made per admission request).
/// </summary>
internal sealed class AuditAnnotations(KeyValuePair<string, string>[] entries) : IReadOnlyDictionary<string, string>
{
    public int Count => entries.Length;

    public IEnumerable<string> Keys => entries.Select(entry => entry.Key);

    public IEnumerable<string> Values => entries.Select(entry => entry.Value);

    public string this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no audit annotation '{key}'");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        foreach (var entry in entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
