using System.CommandLine;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz notebooks run | strip | plotly-js | html: execute the series headless, clear outputs before committing,
/// fetch the offline plotly.js, or turn the executed series into a static site.</summary>
public static class NotebooksCommand
{
    public static Command Create()
    {
        var cmd = new Command("notebooks", "Run the notebook series headless, or strip outputs");
        cmd.Subcommands.Add(CreateRun());
        cmd.Subcommands.Add(CreateStrip());
        cmd.Subcommands.Add(CreatePlotlyJs());
        cmd.Subcommands.Add(CreateHtml());
        return cmd;
    }

    static string DefaultFolder(string sub) =>
        Path.Combine(ZfVizPaths.FindRepoRoot() ?? Environment.CurrentDirectory, sub);

    static Command CreateRun()
    {
        var folder = new Option<string>("--notebooks") { Description = "Folder of notebooks", DefaultValueFactory = _ => DefaultFolder("notebooks") };
        var output = new Option<string>("--out") { Description = "Where executed copies go (git ignores it)", DefaultValueFactory = _ => DefaultFolder("notebooks-out") };
        var profile = new Option<string?>("--profile") { Description = "quick | course | paper | paper-smoke (default: $ZFVIZ_PROFILE, else course; quick under CI)" };
        var filter = new Option<string?>("--filter") { Description = "Only notebooks whose file name contains this" };
        var timeout = new Option<int>("--timeout-minutes") { Description = "Per-notebook time limit", DefaultValueFactory = _ => 60 };
        var kernel = new Option<string>("--kernel")
        {
            Description = "repl (the pinned dotnet-repl) | jupyter (the .NET Interactive Jupyter kernel through jupyter nbconvert, as VS Code and Jupyter Lab run it)",
            DefaultValueFactory = _ => "repl",
        };
        kernel.AcceptOnlyFromAmong("repl", "jupyter");
        var cmd = new Command("run", "Execute every notebook in order (dotnet-repl, or --kernel jupyter); fail if any cell errors")
            { folder, output, profile, filter, timeout, kernel };
        cmd.SetAction(r => ReportingUserErrors(() =>
        {
            var p = r.GetValue(profile) is { } name ? Profile.Parse(name) : Profile.FromEnvironment();
            if (r.GetValue(timeout) < 1) throw new UserInputException("--timeout-minutes must be at least 1.");
            ZfViz.IO.OutputPath.CheckFolder(r.GetValue(output)!, "--out", force: true, ownFiles: []);
            var notebooks = NotebookRunner.Discover(r.GetValue(folder)!, r.GetValue(filter));
            var k = r.GetValue(kernel) == "jupyter" ? NotebookKernel.Jupyter : NotebookKernel.Repl;
            var runner = new NotebookRunner { OutputDirectory = r.GetValue(output)!, Profile = p, Timeout = TimeSpan.FromMinutes(r.GetValue(timeout)), Kernel = k };
            Console.WriteLine($"Running {notebooks.Count} notebook(s), profile {p.Name}, kernel {r.GetValue(kernel)}, executed copies in {Path.GetFullPath(runner.OutputDirectory)}");
            var results = new List<NotebookResult>();
            foreach (var nb in notebooks)
            {
                Console.Write($"  {Path.GetFileName(nb),-40} ");
                var res = runner.Run(nb);
                results.Add(res);
                Console.WriteLine($"{res.Status.ToString().ToLowerInvariant(),-9} {res.Elapsed.TotalSeconds,7:0.0} s");
                if (res.Error is not null) Console.WriteLine("      " + res.Error.Replace("\n", "\n      "));
            }
            int passed = results.Count(x => x.Status == NotebookStatus.Passed);
            Console.WriteLine($"notebooks: {passed} passed, {results.Count - passed} failed");
            return passed == results.Count ? 0 : 1;
        }));
        return cmd;
    }

    static Command CreateHtml()
    {
        var executed = new Option<string>("--executed") { Description = "Folder of executed notebooks (zfviz notebooks run writes them)", DefaultValueFactory = _ => DefaultFolder("notebooks-out") };
        var output = new Option<string>("--out") { Description = "Where the static site goes (git ignores it)", DefaultValueFactory = _ => DefaultFolder("notebooks-html") };
        var noImages = new Option<bool>("--no-static-images") { Description = "Skip the PNG of each chart (rendered by headless Chromium)" };
        var cmd = new Command("html", "Turn the executed notebooks into a static site that works offline: index with the paper-section table, a page per notebook")
            { executed, output, noImages };
        cmd.SetAction(r => ReportingUserErrors(() =>
        {
            ChartImageRenderer? renderer = null;
            if (!r.GetValue(noImages))
            {
                if (ChartImageRenderer.FindBrowser() is { } browser) renderer = new ChartImageRenderer(browser);
                else Console.Error.WriteLine($"zfviz: warning: {ChartImageRenderer.MissingBrowserMessage}; charts get no static image (they still work with JavaScript)");
            }
            var root = ZfVizPaths.FindRepoRoot();
            var gallery = new NotebookGallery
            {
                ExecutedFolder = r.GetValue(executed)!, SiteFolder = r.GetValue(output)!, Renderer = renderer,
                Readme = root is null ? null : Path.Combine(root, "README.md"),
            };
            var result = gallery.Build(Console.WriteLine);
            Console.WriteLine($"gallery: {result.Pages.Count} page(s), {result.Charts} chart(s), {result.StaticImages} static image(s): {Path.GetFullPath(result.IndexPath)}");
            if (result.StaticImagesNote is not null) Console.WriteLine($"gallery: {result.StaticImagesNote}");
            return 0;
        }));
        return cmd;
    }

    static Command CreatePlotlyJs()
    {
        var from = new Option<string?>("--from") { Description = $"Install from this plotly.js-dist-min-{PlotlyJs.Version}.tgz instead of the npm registry (offline)" };
        var cmd = new Command("plotly-js", $"Fetch the pinned plotly.js {PlotlyJs.Version} (npm plotly.js-dist-min, checksums verified) into the tools root, for charts without a CDN") { from };
        cmd.SetAction(r => ReportingUserErrors(() =>
        {
            Console.WriteLine(PlotlyJs.EnsureInstalled(r.GetValue(from)));
            return 0;
        }));
        return cmd;
    }

    static Command CreateStrip()
    {
        var folder = new Option<string>("--notebooks") { Description = "Folder of notebooks", DefaultValueFactory = _ => DefaultFolder("notebooks") };
        var cmd = new Command("strip", "Remove outputs from the notebooks so they are committed clean") { folder };
        cmd.SetAction(r =>
        {
            var notebooks = NotebookRunner.Discover(r.GetValue(folder)!);
            foreach (var nb in notebooks) NotebookRunner.ReadNotebook(nb); // all checked first: a bad one strips none
            foreach (var nb in notebooks)
                Console.WriteLine($"{(NotebookRunner.StripOutputs(nb) ? "stripped" : "clean   ")} {Path.GetFileName(nb)}");
            return 0;
        });
        return cmd;
    }

    /// <summary>The CLI's contract for bad input (zfviz: error: subject: message, exit 2), kept here too so these
    /// commands keep it whatever the shared runner maps.</summary>
    static int ReportingUserErrors(Func<int> action)
    {
        try { return action(); }
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"zfviz: error: {e.Describe()}");
            return CliRunner.BadInput;
        }
    }
}
