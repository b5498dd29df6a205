using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>The race as an SVG: unmanaged pods over simulated time for AdmissionGuard, Cilium's watcher and the bound.</summary>
internal static class HealingPlot
{
    public static void Write(
        string path,
        IReadOnlyList<(double Seconds, int Unmanaged)> guard,
        IReadOnlyList<(double Seconds, int Unmanaged)> cilium,
        TimeSpan bound,
        int unmanaged,
        ScenarioOptions options)
    {
        var model = new PlotModel
        {
            Title = $"Healing {unmanaged} unmanaged pods on {options.Nodes} nodes (grace {options.Grace.TotalSeconds:0} s, start {options.Start.TotalSeconds:0} s)",
            Background = OxyColors.White,
        };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "simulated time (s)", Minimum = 0 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "pods not yet running under Cilium", Minimum = 0 });
        model.Series.Add(Steps($"AdmissionGuard ({options.Concurrency})", guard, OxyColors.SteelBlue));
        model.Series.Add(Steps("Cilium's unmanaged-pod watcher", cilium, OxyColors.IndianRed));
        var line = new LineSeries { Title = $"lower bound ({bound.TotalSeconds:0} s)", Color = OxyColors.Gray, LineStyle = LineStyle.Dash };
        line.Points.Add(new DataPoint(bound.TotalSeconds, 0));
        line.Points.Add(new DataPoint(bound.TotalSeconds, unmanaged));
        model.Series.Add(line);
        using var stream = File.Create(path);
        new SvgExporter { Width = 900, Height = 500 }.Export(model, stream);
    }

    private static StairStepSeries Steps(string title, IReadOnlyList<(double Seconds, int Unmanaged)> points, OxyColor color)
    {
        var series = new StairStepSeries { Title = title, Color = color, VerticalStrokeThickness = 1 };
        series.Points.AddRange(points.Select(p => new DataPoint(p.Seconds, p.Unmanaged)));
        return series;
    }
}
