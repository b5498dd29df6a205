using System.Globalization;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>An IntOrString count such as <c>maxUnavailable</c>, scaled as apimachinery's <c>GetScaledValueFromIntOrPercent</c>.</summary>
internal static class IntOrPercent
{
    /// <summary>An int, or a percentage of <paramref name="total"/> rounded up (or down); null when malformed.</summary>
    public static int? Scale(string value, int total, bool roundUp = true)
    {
        if (value.EndsWith('%'))
        {
            return int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
                ? (int)(roundUp ? Math.Ceiling(percent * total / 100.0) : Math.Floor(percent * total / 100.0))
                : null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }
}
