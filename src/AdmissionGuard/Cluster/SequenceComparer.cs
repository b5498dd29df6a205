namespace AdmissionGuard.Cluster;

/// <summary>Lists are equal when they hold equal elements in the same order.</summary>
internal sealed class SequenceComparer<T> : IEqualityComparer<IReadOnlyList<T>>
{
    public static readonly SequenceComparer<T> Instance = new();

    public bool Equals(IReadOnlyList<T>? x, IReadOnlyList<T>? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.SequenceEqual(y));

    public int GetHashCode(IReadOnlyList<T> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        foreach (var item in obj)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
