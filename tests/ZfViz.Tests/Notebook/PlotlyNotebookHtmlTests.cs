using System.Text.Json.Nodes;
using ZfViz.Viz;

namespace ZfViz.Tests.Notebook;

public class PlotlyNotebookHtmlTests
{
    [Fact]
    public void AChartOutputCarriesItsFigureAsJsonAndNoCdnReference()
    {
        var chart = Charts.Lines("Loss </script> curve", "epoch", "loss", [new Series("train", [1, 2, 3], [2.0, 1.5, 1.2])]);
        var html = PlotlyNotebookHtml.ChartHtml(chart);

        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.DoesNotContain("require", html);
        // A title with "</script>" must not end the JSON's script element early.
        Assert.Equal(2, html.Split("</script>").Length - 1); // closes the JSON element and the draw script, nothing else
        var found = Assert.Single(PlotlyNotebookHtml.FindCharts(html));
        Assert.StartsWith("zfviz-chart-", found.Id);
        Assert.Contains($"<div id=\"{found.Id}\"", html);
        var trace = found.Spec["data"]!.AsArray().Single()!;
        Assert.Equal(new[] { 1.0, 2, 3 }, trace["x"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(new[] { 2.0, 1.5, 1.2 }, trace["y"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Contains("Loss </script> curve", found.Spec["layout"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
