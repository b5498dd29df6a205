namespace AdmissionGuard.Cluster;

/// <summary>Label maps are equal when they hold the same pairs, in any order.</summary>
internal sealed class LabelsComparer : IEqualityComparer<IReadOnlyDictionary<string, string>>
{
    public static readonly LabelsComparer Instance = new();

    public bool Equals(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }

        foreach (var (key, value) in x)
        {
            if (!y.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(IReadOnlyDictionary<string, string> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);

        // Order-independent: dictionaries built from the same pairs may enumerate them differently.
        var hash = obj.Count;
        foreach (var (key, value) in obj)
        {
            hash ^= HashCode.Combine(key, value);
        }

        return hash;
    }
}
