using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

/// <summary>
/// Every reading is computed: a notebook's markdown quotes no percentage and no time, because a figure about a run
/// belongs in a cell that computes and prints it (prose would go stale with the next run or profile). The rule:
/// <list type="bullet">
/// <item>a percentage (<c>35.4%</c>, <c>12 %</c>) or a time (<c>8 min</c>, <c>473 s</c>, <c>2 hours</c>, <c>1,300 images/s</c>)
/// in markdown is an offence,</item>
/// <item>except on a line that starts with <c>&gt;</c> (a block quote of the paper's figures),</item>
/// <item>and except inside a markdown table whose header row contains the word "paper" (the paper's tables) or
/// "exercise" (the Try-it sections' time estimates), case-insensitive.</item>
/// </list>
/// Times an exercise takes are written in words in prose ("about two minutes"), or go in such an exercise table.
/// </summary>
public class NotebookProseNumbersTests
{
    static string NotebooksFolder => Path.Combine(ZfVizPaths.FindRepoRoot(AppContext.BaseDirectory)!, "notebooks");

    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebooksFolder, "*.ipynb").Order().Select(p => new object[] { Path.GetFileName(p) });

    static readonly Regex Percentage = new(@"\d+(\.\d+)?\s?%", RegexOptions.CultureInvariant);
    static readonly Regex Time = new(@"\d+(\.\d+)?\s?(s|ms|min|minutes?|seconds?|h|hours?|images/s)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>The lines of one markdown text that break the rule.</summary>
    public static IReadOnlyList<string> Offences(string markdown)
    {
        var offences = new List<string>();
        bool inTable = false, allowedTable = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('|'))
            {
                if (!inTable) // the first row of a table is its header
                    allowedTable = line.Contains("paper", StringComparison.OrdinalIgnoreCase) || line.Contains("exercise", StringComparison.OrdinalIgnoreCase);
                inTable = true;
                if (allowedTable) continue;
            }
            else inTable = false;
            if (line.StartsWith('>')) continue;
            if (Percentage.IsMatch(line) || Time.IsMatch(line)) offences.Add(line);
        }
        return offences;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void MarkdownQuotesNoMeasuredPercentageOrTime(string name)
    {
        var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, name)))!;
        var offences = nb["cells"]!.AsArray()
            .Where(c => c!["cell_type"]!.GetValue<string>() == "markdown")
            .SelectMany(c => Offences(string.Concat(c!["source"]!.AsArray().Select(s => s!.GetValue<string>()))))
            .ToList();
        Assert.True(offences.Count == 0, $"{name}: numbers about a run belong in a cell that prints them (or in a '>' quote / a table headed 'paper' for the paper's own):\n" + string.Join("\n", offences));
    }

    [Fact]
    public void TheRuleCatchesProseAndAllowsPaperQuotesAndTables()
    {
        Assert.Equal(["test error 35.4% top-1", "10 epochs in about 8 minutes", "(~1,300 images/s)", "took 473 s"],
            Offences("test error 35.4% top-1\n10 epochs in about 8 minutes\n(~1,300 images/s)\ntook 473 s\nconv5 has 256 maps, 3×3 filters"));
        Assert.Empty(Offences("> ZFNet: 38.4% top-1 after 70 epochs (12 days)\n\n| model (paper) | top-1 % |\n|---|---|\n| ZFNet | 38.4% |"));
        Assert.Empty(Offences("| exercise | quick | course |\n|---|---|---|\n| easy | 10 s | 2 min |"));
        // a table without either word is prose like any other line, and the exception ends with its table
        Assert.Equal(["| ours | 30.4% |", "after the table 5 %"],
            Offences("| model | top-1 |\n|---|---|\n| ours | 30.4% |\n\n| paper | x |\n|---|---|\n| a | 1% |\nafter the table 5 %"));
        Assert.Empty(Offences("about two minutes; Sec. 5.1; 224 × 224; layer 5"));
    }
}
