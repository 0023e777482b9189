using System.Text.RegularExpressions;
using ZfViz.Viz;

namespace ZfViz.Tests.Viz;

public class PanelChartsTests
{
    static readonly double[] X = [0, 1, 2];
    static readonly string[] Lines = ["cat", "dog"];
    static Panel P(string title) => new(title, "y", [new[] { 1.0, 2, 3 }, new[] { 3.0, 2, 1 }]);

    [Fact]
    public void OnePanelPerColumnEachLineNamedOnceInTheLegend()
    {
        var html = Charts.ToHtmlPage(PanelCharts.Row("title", "amount", X, Lines, [P("layer 1"), P("layer 7"), P("p(true)")]));
        foreach (var t in new[] { "layer 1", "layer 7", "p(true)", "\"columns\":3" }) Assert.Contains(t, html);
        Assert.Equal(6, Regex.Matches(html, "\"mode\":\"lines\\+markers\"").Count); // the template holds one more "scatter"
        // Each line appears in all three panels, but only the first panel's traces are in the legend.
        Assert.Equal(2, Regex.Matches(html, "\"showlegend\":true").Count);
        Assert.Equal(3, Regex.Matches(html, "\"name\":\"cat\"").Count);
        Assert.Contains("\"xaxis\":\"x3\"", html);
    }

    [Fact]
    public void MismatchedLinesOrValuesNameThePanel()
    {
        var bad = new Panel("short", "y", [new[] { 1.0, 2 }, new[] { 1.0, 2 }]);
        Assert.Contains("short", Assert.Throws<ArgumentException>("panels", () => PanelCharts.Row("t", "x", X, Lines, [bad])).Message);
        Assert.Throws<ArgumentException>("panels", () => PanelCharts.Row("t", "x", X, ["one"], [P("two lines")]));
        Assert.Throws<ArgumentException>("panels", () => PanelCharts.Row("t", "x", X, Lines, []));
    }
}
