using System.Globalization;
using System.Text;

namespace AdmissionGuard.Core.Admission;

/// <summary>
/// A warning's text with numbered holes (<c>{0}</c>, <c>{1}</c>, ...) for the names it shows, parsed once. Knowing the
/// length of its own text lets <see cref="WarningText.Fit"/> shorten the names before rendering instead of after.
/// </summary>
public sealed class WarningTemplate
{
    private readonly CompositeFormat _format;

    public WarningTemplate(string format)
    {
        _format = CompositeFormat.Parse(format);
        FixedLength = Render(new string[_format.MinimumArgumentCount]).Length;
    }

    /// <summary>The length of the text without the values.</summary>
    public int FixedLength { get; }

    // As object?[]: a string[] alone would bind to the one-argument generic overload.
    public string Render(string[] values) => string.Format(CultureInfo.InvariantCulture, _format, (object?[])values);
}
