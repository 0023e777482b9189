using ZfViz.Viz;

namespace ZfViz.Tests.Viz;

public class HtmlTableTests
{
    [Fact]
    public void FromItemsWritesOneEncodedRowPerItem()
    {
        var rows = new[] { (Name: "a<b", Error: 0.25), (Name: "c", Error: 0.5) };
        var table = HtmlTable.From(["name", "error"], rows, r => [r.Name, $"{r.Error:0.00}"], caption: "x & y");
        Assert.Equal("<table><caption>x &amp; y</caption><thead><tr><th>name</th><th>error</th></tr></thead><tbody>" +
                     "<tr><td>a&lt;b</td><td>0.25</td></tr><tr><td>c</td><td>0.50</td></tr></tbody></table>", table.Html);
        // the same table as rows of cells
        Assert.Equal(table, HtmlTable.From(["name", "error"], [["a<b", "0.25"], ["c", "0.50"]], "x & y"));
        Assert.Equal(table, HtmlTable.From(["name", "error"], rows, (r, i) => [i == 0 ? "a<b" : "c", $"{r.Error:0.00}"], "x & y"));
    }

    [Fact]
    public void PairsAreTwoUnlabelledColumns() =>
        Assert.Equal("<table><thead><tr><th></th><th></th></tr></thead><tbody><tr><td>k</td><td>v</td></tr></tbody></table>",
            HtmlTable.FromPairs([("k", "v")]).Html);
}
