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
        var staticImages = new Option<string>("--static-images")
        {
            Description = "A PNG of each chart in the executed copies, drawn by headless Chromium, for viewers without JavaScript " +
                          "(GitHub, PDF): auto (a one-line warning and no PNGs when Chromium or the offline plotly.js is missing) | require (an error then) | off",
            DefaultValueFactory = _ => "auto",
        };
        staticImages.AcceptOnlyFromAmong("auto", "require", "off");
        var cmd = new Command("run", "Execute every notebook in order (dotnet-repl, or --kernel jupyter); fail if any cell errors")
            { folder, output, profile, filter, timeout, kernel, staticImages };
        cmd.SetAction(r => ReportingUserErrors(() =>
        {
            var p = r.GetValue(profile) is { } name ? Profile.Parse(name) : Profile.FromEnvironment();
            if (r.GetValue(timeout) < 1) throw new UserInputException("--timeout-minutes must be at least 1.");
            ZfViz.IO.OutputPath.CheckFolder(r.GetValue(output)!, "--out", force: true, ownFiles: []);
            var notebooks = NotebookRunner.Discover(r.GetValue(folder)!, r.GetValue(filter));
            var k = r.GetValue(kernel) == "jupyter" ? NotebookKernel.Jupyter : NotebookKernel.Repl;
            var images = StaticImageRenderer(r.GetValue(staticImages)!);
            var runner = new NotebookRunner
            {
                OutputDirectory = r.GetValue(output)!, Profile = p, Timeout = TimeSpan.FromMinutes(r.GetValue(timeout)), Kernel = k, ChartImages = images,
            };
            Console.WriteLine($"Running {notebooks.Count} notebook(s), profile {p.Name}, kernel {r.GetValue(kernel)}, executed copies in {Path.GetFullPath(runner.OutputDirectory)}");
            var results = new List<NotebookResult>();
            foreach (var nb in notebooks)
            {
                Console.Write($"  {Path.GetFileName(nb),-40} ");
                var res = runner.Run(nb);
                results.Add(res);
                Console.WriteLine($"{res.Status.ToString().ToLowerInvariant(),-9} {res.Elapsed.TotalSeconds,7:0.0} s");
                if (res.Error is not null) Console.WriteLine("      " + res.Error.Replace("\n", "\n      "));
                if (res.Note is not null) Console.WriteLine("      " + res.Note);
            }
            int passed = results.Count(x => x.Status == NotebookStatus.Passed);
            Console.WriteLine($"notebooks: {passed} passed, {results.Count - passed} failed");
            return passed == results.Count ? 0 : 1;
        }));
        return cmd;
    }

    /// <summary>
    /// The renderer for the executed copies' static chart images. Without Chromium or the offline plotly.js: "auto"
    /// warns once (the run goes on, the charts still draw where JavaScript runs), "require" is a user error (exit 2,
    /// before any notebook runs), "off" never asks.
    /// </summary>
    static ChartImageRenderer? StaticImageRenderer(string mode)
    {
        if (mode == "off") return null;
        var browser = ChartImageRenderer.FindBrowser();
        var missing = browser is null ? ChartImageRenderer.MissingBrowserMessage
                      : !PlotlyJs.IsInstalled() ? $"plotly.js {PlotlyJs.Version} is not installed (./zfviz notebooks plotly-js)"
                      : null;
        if (missing is null) return new ChartImageRenderer(browser!);
        if (mode == "require") throw new UserInputException(missing + "; or run with --static-images auto or off", "--static-images require");
        Console.Error.WriteLine($"zfviz: warning: no static chart images in the executed copies: {missing} (charts still draw where JavaScript runs; --static-images off skips this check)");
        return null;
    }

    static Command CreateHtml()
    {
        var executed = new Option<string>("--executed") { Description = "Folder of executed notebooks (zfviz notebooks run writes them)", DefaultValueFactory = _ => DefaultFolder("notebooks-out") };
        var output = new Option<string>("--out") { Description = "Where the static site goes (git ignores it)", DefaultValueFactory = _ => DefaultFolder("notebooks-html") };
        var noImages = new Option<bool>("--no-static-images") { Description = "Do not draw chart PNGs with headless Chromium (the PNGs the executed copies carry are still shown)" };
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
