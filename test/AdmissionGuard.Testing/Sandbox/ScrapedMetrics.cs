using System.Globalization;
using AdmissionGuard.Sandbox.Admission;

namespace AdmissionGuard.Sandbox.Tests.Support;

/// <summary>
/// A Prometheus text exposition read into its samples, for assertions on what kube-apiserver's <c>/metrics</c> shows.
/// A series is matched by its name and a subset of its labels, so that the label order does not matter.
/// </summary>
public sealed class ScrapedMetrics(IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> samples)
{
    public static async Task<ScrapedMetrics> ScrapeAsync(AdmissionMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        using var text = new MemoryStream();
        await metrics.WriteAsync(text, TestContext.Current.CancellationToken);
        return Parse(System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    /// <summary>Reads the sample lines (<c>name{label="value",...} number</c>) of any exposition, a real apiserver's too.</summary>
    public static ScrapedMetrics Parse(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        var samples = new List<(string, IReadOnlyDictionary<string, string>, double)>();
        foreach (var line in exposition.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var labels = new Dictionary<string, string>();
            var nameEnd = line.IndexOfAny(['{', ' ']);
            var at = nameEnd;
            if (line[at] == '{')
            {
                at = ReadLabels(line, at + 1, labels);
            }

            var value = line[at..].Trim().Split(' ')[0];
            samples.Add((line[..nameEnd], labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }

        return new ScrapedMetrics(samples);
    }

    /// <summary>Reads <c>label="value",...}</c> from <paramref name="at"/> (values may hold escaped quotes); returns where it ends.</summary>
    private static int ReadLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var name = line[at..equals].Trim(',', ' ');
            var value = new System.Text.StringBuilder();
            at = equals + 2;
            for (; line[at] != '"'; at++)
            {
                value.Append(line[at] == '\\' ? line[++at] switch { 'n' => '\n', var escaped => escaped } : line[at]);
            }

            labels[name] = value.ToString();
            at++;
            if (line[at] == ',')
            {
                at++;
            }
        }

        return at + 1;
    }

    /// <summary>The sum over every series of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Matching(name, labels).Sum(s => s.Value);

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include <paramref name="labels"/>, of which there must be one at least.</summary>
    public double Existing(string name, params (string Label, string Value)[] labels)
    {
        var matching = Matching(name, labels).ToList();
        return matching.Count > 0
            ? matching.Sum(s => s.Value)
            : throw new KeyNotFoundException($"no series {name}{{{string.Join(',', labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}; the names scraped: {string.Join(", ", samples.Select(s => s.Name).Distinct())}");
    }

    private IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Matching(string name, (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var value) && value == l.Value));
}
