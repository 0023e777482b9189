using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace ZfViz.Viz;

/// <summary>One panel of a <see cref="PanelCharts"/> row: a title, the y axis title and one y series per line, Y[line][x].</summary>
public sealed record Panel(string Title, string YTitle, IReadOnlyList<IReadOnlyList<double>> Y);

/// <summary>
/// A row of line-chart panels sharing their x values and lines (as the paper's Fig. 5: one row per transformation,
/// a panel per measure, a line per image), each line in the same colour in every panel and named once in the legend.
/// </summary>
public static class PanelCharts
{
    // Plotly's default colour cycle, so that line i has one colour across panels.
    static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static GenericChart Row(string title, string xTitle, IReadOnlyList<double> x, IReadOnlyList<string> lineNames,
        IReadOnlyList<Panel> panels, int width = 1050, int height = 340)
    {
        if (panels.Count == 0) throw new ArgumentException("panels: give at least one panel.", nameof(panels));
        foreach (var p in panels)
        {
            if (p.Y.Count != lineNames.Count)
                throw new ArgumentException($"panels: panel '{p.Title}' has {p.Y.Count} lines, expected {lineNames.Count} (one per name).", nameof(panels));
            if (p.Y.Any(line => line.Count != x.Count))
                throw new ArgumentException($"panels: a line of panel '{p.Title}' does not have {x.Count} values (one per x).", nameof(panels));
        }
        var charts = panels.Select((p, pi) =>
        {
            var traces = p.Y.Select((y, li) => CSharpChart.Line<double, double, string>(x: x, y: y, Name: lineNames[li],
                ShowLegend: pi == 0, ShowMarkers: true, LineColor: Color.fromString(Colours[li % Colours.Length]),
                MarkerColor: Color.fromString(Colours[li % Colours.Length])));
            return CSharpChart.Combine(traces)
                .WithXAxisStyle<double, double, string>(TitleText: xTitle)
                .WithYAxisStyle<double, double, string>(TitleText: p.YTitle);
        }).ToList();
        var grid = CSharpChart.Grid(charts, 1, panels.Count, SubPlotTitles: panels.Select(p => p.Title).ToArray(), XGap: 0.25);
        var sized = grid.WithSize(width, height);
        return Plotly.NET.Chart.withTitle(title, Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(sized);
    }
}
