using Plotly.NET;
using ZfViz.Analysis;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace ZfViz.Viz;

/// <summary>Interactive Plotly heatmaps of an occlusion result (hover: the square's centre and the value), beside the static <see cref="OcclusionFigure"/>.</summary>
public static class OcclusionCharts
{
    /// <summary>
    /// p(target class) (<paramref name="probability"/>) or the map's total activation per square position, placed at
    /// the squares' centres in image pixels (row 0 at the top, like the image).
    /// </summary>
    public static GenericChart Heatmap(OcclusionResult result, string title, bool probability = true)
    {
        var grid = probability
            ? result.Classifier?.Probability ?? throw new ArgumentException("This result has no probabilities (the model has no classifier).", nameof(probability))
            : result.Activation;
        var z = Enumerable.Range(0, result.GridHeight)
            .Select(i => Enumerable.Range(0, result.GridWidth).Select(j => (double)grid[i, j]).ToArray()).ToArray();
        var xs = Enumerable.Range(0, result.GridWidth).Select(j => result.Centre(0, j).X).ToArray();
        var ys = Enumerable.Range(0, result.GridHeight).Select(i => result.Centre(i, 0).Y).ToArray();
        var chart = CSharpChart.Heatmap<double, double, double, string>(zData: z, X: xs, Y: ys, ReverseYAxis: true,
            ColorScale: StyleParam.Colorscale.Viridis);
        return Chart.withTitle(title, Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(chart);
    }
}
