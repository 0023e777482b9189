using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace ZfViz.Viz;

/// <summary>One named line of a chart.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>Plotly.NET charts built from plain results (training curves, invariance curves, ...).</summary>
public static class Charts
{
    public static GenericChart Lines(string title, string xTitle, string yTitle, IEnumerable<Series> series, bool markers = false)
    {
        var traces = series.Select(s => CSharpChart.Line<double, double, string>(x: s.X, y: s.Y, Name: s.Name, ShowMarkers: markers));
        var chart = CSharpChart.Combine(traces).WithXAxisStyle<double, double, string>(TitleText: xTitle).WithYAxisStyle<double, double, string>(TitleText: yTitle);
        return Plotly.NET.Chart.withTitle(title, Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(chart);
    }

    /// <summary>The chart as a standalone HTML page (plotly.js from its CDN), e.g. for the CLI's --out.</summary>
    public static string ToHtmlPage(GenericChart chart) => GenericChart.toEmbeddedHTML(chart);
}
