using Microsoft.Extensions.Configuration;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Keys that moved to the <c>Cni</c> section, kept working for one release: users have them in ConfigMaps. A value
/// under an old key is copied to its new key (unless that is set too, which then wins), and each old key in use is
/// reported so that start-up can warn and name the new key.
/// </summary>
internal sealed class LegacySettings
{
    /// <summary>Old key, new key.</summary>
    public static readonly IReadOnlyList<(string Old, string New)> Moves =
    [
        ("Admission:TaintKeys", "Cni:TaintKeys"),
        ("Reconciler:AgentNamespace", "Cni:AgentNamespace"),
        ("Reconciler:AgentSelector", "Cni:AgentSelector"),
    ];

    /// <summary>New key -> the old key its value was copied from.</summary>
    private readonly Dictionary<string, string> _copiedFrom;

    private LegacySettings(IReadOnlyList<(string Old, string New)> used, Dictionary<string, string> copiedFrom)
    {
        Used = used;
        _copiedFrom = copiedFrom;
    }

    /// <summary>The old keys this configuration sets: one warning each at start-up.</summary>
    public IReadOnlyList<(string Old, string New)> Used { get; }

    /// <summary>
    /// Copies every value under a moved key to the new key, as a configuration source of its own added last (so it
    /// never overrides a value given under the new key: it only fills keys nobody set).
    /// </summary>
    public static LegacySettings Apply(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var used = new List<(string Old, string New)>();
        var copiedFrom = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var copies = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (oldKey, newKey) in Moves)
        {
            var oldSection = configuration.GetSection(oldKey);
            if (!oldSection.Exists())
            {
                continue;
            }

            used.Add((oldKey, newKey));
            if (configuration.GetSection(newKey).Exists())
            {
                continue;
            }

            // Both "Key=" (an explicitly empty list) and "Key:0=..." move.
            copiedFrom[newKey] = oldKey;
            if (oldSection.Value is not null)
            {
                copies[newKey] = oldSection.Value;
            }

            foreach (var (key, value) in oldSection.AsEnumerable(makePathsRelative: true))
            {
                copies[$"{newKey}:{key}"] = value;
            }
        }

        if (copies.Count > 0)
        {
            configuration.AddInMemoryCollection(copies);
        }

        return new LegacySettings(used, copiedFrom);
    }

    /// <summary>The key an operator wrote for <paramref name="newKey"/>: its old name when the value came from there.</summary>
    public string NameOf(string newKey) => _copiedFrom.GetValueOrDefault(newKey, newKey);
}
