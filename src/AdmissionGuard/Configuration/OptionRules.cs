namespace AdmissionGuard.Configuration;

/// <summary>Range checks whose messages name the setting and the value, as operators read them at start-up.</summary>
internal static class OptionRules
{
    public static void InRange<T>(List<string> failures, string setting, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            failures.Add($"{setting}: '{value}' must be between {min} and {max}");
        }
    }
}
