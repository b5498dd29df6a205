using System.Globalization;
using System.Text.Json;
using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Commands;

/// <summary>
/// Prints a <see cref="ScanReport"/> as aligned tables or as JSON and returns the exit code of <c>scan</c>:
/// <see cref="Clean"/>, or <see cref="UnmanagedFound"/> so CI jobs and scripts can fail on unmanaged pods.
/// </summary>
internal static class ScanReportRenderer
{
    public const int Clean = 0;
    public const int UnmanagedFound = 1;

    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static int Render(ScanReport report, ScanOutputFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (format == ScanOutputFormat.Json)
        {
            WriteJson(report, output);
        }
        else
        {
            WriteTables(report, output);
        }

        return report.HasUnmanagedPods ? UnmanagedFound : Clean;
    }

    private static void WriteTables(ScanReport report, TextWriter output)
    {
        WriteSection(output, "Tainted nodes", ["NODE", "TAINT", "AGENT"],
            report.TaintedNodes.Select(n => new[] { n.Name, n.Taint.ToString(), Agent(n.AgentReady) }).ToList());
        WriteSection(output, "Gated pods", ["NAMESPACE", "POD", "NODE", "AGE", "NEXT", "WHY"],
            report.GatedPods.Select(g => new[] { g.Pod.Namespace, g.Pod.Name, g.Node ?? "<none>", Age(g.Age), Next(g.Action), g.Detail }).ToList());
        WriteSection(output, "At-risk pods (tolerate the taint of the node they are on)", ["NAMESPACE", "POD", "NODE", "TAINT"],
            report.AtRiskPods.Select(r => new[] { r.Pod.Namespace, r.Pod.Name, r.Node, r.Taint.ToString() }).ToList());
        if (!report.DetectorEnabled)
        {
            output.WriteLine("Unmanaged pods: not checked, the cluster serves no CiliumEndpoints.");
            return;
        }

        WriteSection(output, "Unmanaged pods (running without Cilium)", ["NAMESPACE", "POD", "NODE", "OWNER", "REASON"],
            report.UnmanagedPods.Select(c => new[]
            {
                c.Pod.Namespace, c.Pod.Name, c.Pod.NodeName ?? "<none>",
                c.Pod.Owner is { } owner ? $"{owner.Kind}/{owner.Name}" : "<none>",
                report.EvictionBlocks.TryGetValue(c.Pod.Uid, out var block) ? $"{c.Detail}; eviction blocked: {block.Detail}" : c.Detail,
            }).ToList());
        if (report.NotYetJudged.Count > 0)
        {
            // Said only when there are some: "none unmanaged" must not read as "all managed" while these wait.
            WriteSection(output, "Not judged yet (no CiliumEndpoint, younger than Reconciler:MinPodAge)", ["NAMESPACE", "POD", "NODE", "WHY"],
                report.NotYetJudged.Select(c => new[] { c.Pod.Namespace, c.Pod.Name, c.Pod.NodeName ?? "<none>", c.Detail }).ToList());
        }
    }

    private static void WriteSection(TextWriter output, string title, string[] headers, List<string[]> rows)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {(rows.Count == 0 ? "none" : rows.Count.ToString(CultureInfo.InvariantCulture))}"));
        if (rows.Count > 0)
        {
            var widths = headers.Select((h, i) => rows.Max(r => r[i].Length) is var w && w > h.Length ? w : h.Length).ToArray();
            foreach (var row in rows.Prepend(headers))
            {
                output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
            }
        }

        output.WriteLine();
    }

    private static string Agent(bool? ready) => ready switch
    {
        true => "ready",
        false => "not ready",
        null => "unknown",
    };

    private static string Next(GateAction action) => action == GateAction.Hold ? "hold" : "release";

    private static string Age(TimeSpan age) => age.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)age.TotalHours}h{age.Minutes}m")
        : age.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)age.TotalMinutes}m{age.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)age.TotalSeconds}s");

    private static void WriteJson(ScanReport report, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartObject();
            json.WriteString("time", report.Time);
            json.WriteBoolean("detectorEnabled", report.DetectorEnabled);
            WriteArray(json, "taintedNodes", report.TaintedNodes, n =>
            {
                json.WriteString("name", n.Name);
                json.WriteString("taint", n.Taint.ToString());
                if (n.AgentReady is { } ready)
                {
                    json.WriteBoolean("agentReady", ready);
                }
                else
                {
                    json.WriteNull("agentReady");
                }
            });
            WriteArray(json, "gatedPods", report.GatedPods, g =>
            {
                json.WriteString("namespace", g.Pod.Namespace);
                json.WriteString("name", g.Pod.Name);
                json.WriteString("node", g.Node);
                json.WriteNumber("ageSeconds", (long)g.Age.TotalSeconds);
                json.WriteString("action", JsonNamingPolicy.CamelCase.ConvertName(g.Action.ToString()));
                json.WriteBoolean("overdue", g.Overdue);
                json.WriteString("detail", g.Detail);
            });
            WriteArray(json, "atRiskPods", report.AtRiskPods, r =>
            {
                json.WriteString("namespace", r.Pod.Namespace);
                json.WriteString("name", r.Pod.Name);
                json.WriteString("node", r.Node);
                json.WriteString("taint", r.Taint.ToString());
            });
            WriteArray(json, "unmanagedPods", report.UnmanagedPods, c =>
            {
                json.WriteString("namespace", c.Pod.Namespace);
                json.WriteString("name", c.Pod.Name);
                json.WriteString("uid", c.Pod.Uid);
                json.WriteString("node", c.Pod.NodeName);
                json.WriteString("owner", c.Pod.Owner is { } owner ? $"{owner.Kind}/{owner.Name}" : null);
                json.WriteString("reason", JsonNamingPolicy.CamelCase.ConvertName(c.Verdict.ToString()));
                json.WriteString("detail", c.Detail);
                if (report.EvictionBlocks.TryGetValue(c.Pod.Uid, out var block))
                {
                    json.WriteStartObject("evictionBlocked");
                    json.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(block.Kind.ToString()));
                    json.WriteString("detail", block.Detail);
                    json.WriteEndObject();
                }
            });
            WriteArray(json, "notYetJudged", report.NotYetJudged, c =>
            {
                json.WriteString("namespace", c.Pod.Namespace);
                json.WriteString("name", c.Pod.Name);
                json.WriteString("uid", c.Pod.Uid);
                json.WriteString("node", c.Pod.NodeName);
                json.WriteString("detail", c.Detail);
            });
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteArray<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<T> writeFields)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeFields(item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
