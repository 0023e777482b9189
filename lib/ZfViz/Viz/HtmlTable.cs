using System.Net;
using System.Text;

namespace ZfViz.Viz;

/// <summary>A piece of HTML that notebooks display as such (the setup cell registers the formatter).</summary>
public sealed record HtmlFragment(string Html)
{
    public override string ToString() => Html;
}

/// <summary>Plain tables for notebooks: the architecture table, the paper's tables beside ours.</summary>
public static class HtmlTable
{
    public static HtmlFragment From(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        var sb = new StringBuilder("<table>");
        if (caption is not null) sb.Append("<caption>").Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            sb.Append("</tr>");
        }
        return new HtmlFragment(sb.Append("</tbody></table>").ToString());
    }

    /// <summary>
    /// One row per item, its cells from <paramref name="cells"/>: <c>HtmlTable.From(["name", "error"], results, r => [r.Label, $"{r.Error:P1}"])</c>
    /// reads as the table it makes (a lambda returning a collection expression needs no cast).
    /// </summary>
    public static HtmlFragment From<T>(IReadOnlyList<string> headers, IEnumerable<T> rows, Func<T, IReadOnlyList<string>> cells, string? caption = null) =>
        From(headers, rows.Select(cells), caption);

    /// <summary>As <see cref="From{T}(IReadOnlyList{string}, IEnumerable{T}, Func{T, IReadOnlyList{string}}, string?)"/>, with each item's index (numbered rows).</summary>
    public static HtmlFragment From<T>(IReadOnlyList<string> headers, IEnumerable<T> rows, Func<T, int, IReadOnlyList<string>> cells, string? caption = null) =>
        From(headers, rows.Select(cells), caption);

    /// <summary>Two columns, label and value.</summary>
    public static HtmlFragment FromPairs(IEnumerable<(string Label, string Value)> pairs, string? caption = null) =>
        From(["", ""], pairs, p => [p.Label, p.Value], caption);
}
