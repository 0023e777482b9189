using System.Globalization;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace ZfViz.Viz;

/// <summary>
/// An interactive Fig. 2 sheet (Plotly): the rendered sheet as an image, with a hover label on every cell telling
/// the map, rank, image index, class, position and activation value.
/// </summary>
public static class TopNineSheetInteractive
{
    public static GenericChart Create(TopNineSheetImage sheet, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        var source = ImageHtml.ToDataUri(sheet.Image, downscale: false); // hover points are in sheet pixels
        var image = CSharpChart.Image<int>(Source: source);
        var cells = sheet.Cells;
        string Text(SheetCell c)
        {
            var p = c.Cell.Point;
            string cls = c.Cell.Label < 0 ? "?" : classNames is not null && c.Cell.Label < classNames.Count ? $"{classNames[(int)c.Cell.Label]} ({c.Cell.Label})" : $"{c.Cell.Label}";
            return string.Create(CultureInfo.InvariantCulture,
                $"{c.Layer} map {c.Feature}, #{c.Rank + 1} {(c.IsProjection ? "projection" : "patch")}<br>image {p.Image}, class {cls}<br>position y={p.Y} x={p.X}<br>activation {p.Value:0.####}{(c.Cell.Clipped ? "<br>field clipped at the image border" : "")}");
        }
        var points = CSharpChart.Point<double, double, string>(
            x: cells.Select(c => c.Left + c.Width / 2.0), y: cells.Select(c => c.Top + c.Height / 2.0),
            MultiText: cells.Select(Text).ToArray(), Opacity: 0.0, Name: "cells");
        var chart = CSharpChart.Combine([image, points]);
        chart = Plotly.NET.Chart.withSize((double)sheet.Image.Width, (double)sheet.Image.Height).Invoke(chart);
        return title is null ? chart : Plotly.NET.Chart.withTitle(title, Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(chart);
    }
}
