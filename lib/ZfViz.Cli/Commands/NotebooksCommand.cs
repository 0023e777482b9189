using System.CommandLine;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz notebooks run | strip: execute the whole series headless, or clear outputs before committing.</summary>
public static class NotebooksCommand
{
    public static Command Create()
    {
        var cmd = new Command("notebooks", "Run the notebook series headless, or strip outputs");
        cmd.Subcommands.Add(CreateRun());
        cmd.Subcommands.Add(CreateStrip());
        return cmd;
    }

    static string DefaultFolder(string sub) =>
        Path.Combine(ZfVizPaths.FindRepoRoot() ?? Environment.CurrentDirectory, sub);

    static Command CreateRun()
    {
        var folder = new Option<string>("--notebooks") { Description = "Folder of notebooks", DefaultValueFactory = _ => DefaultFolder("notebooks") };
        var output = new Option<string>("--out") { Description = "Where executed copies go (git ignores it)", DefaultValueFactory = _ => DefaultFolder("notebooks-out") };
        var profile = new Option<string?>("--profile") { Description = "quick | course | paper (default: $ZFVIZ_PROFILE, else course; quick under CI)" };
        var filter = new Option<string?>("--filter") { Description = "Only notebooks whose file name contains this" };
        var timeout = new Option<int>("--timeout-minutes") { Description = "Per-notebook time limit", DefaultValueFactory = _ => 60 };
        var cmd = new Command("run", "Execute every notebook in order with the pinned dotnet-repl; fail if any cell errors")
            { folder, output, profile, filter, timeout };
        cmd.SetAction(r =>
        {
            var p = r.GetValue(profile) is { } name ? Profile.Parse(name) : Profile.FromEnvironment();
            if (r.GetValue(timeout) < 1) throw new UserInputException("--timeout-minutes must be at least 1.");
            ZfViz.IO.OutputPath.CheckFolder(r.GetValue(output)!, "--out", force: true, ownFiles: []);
            var notebooks = NotebookRunner.Discover(r.GetValue(folder)!, r.GetValue(filter));
            var runner = new NotebookRunner { OutputDirectory = r.GetValue(output)!, Profile = p, Timeout = TimeSpan.FromMinutes(r.GetValue(timeout)) };
            Console.WriteLine($"Running {notebooks.Count} notebook(s), profile {p.Name}, executed copies in {Path.GetFullPath(runner.OutputDirectory)}");
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
        });
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
}
