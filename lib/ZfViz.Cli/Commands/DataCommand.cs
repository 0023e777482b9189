using System.CommandLine;
using ZfViz.Data;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz data list | check | bench | clear-cache: the data sets, their state, and the data layer's speed.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var cmd = new Command("data", $"Data sets in the data root ({ZfVizPaths.DataVariable}; fill it with data-scripts/fetch-all.sh)");
        cmd.Subcommands.Add(CreateList());
        cmd.Subcommands.Add(CreateCheck());
        cmd.Subcommands.Add(CreateBench());
        cmd.Subcommands.Add(CreateClearCache());
        return cmd;
    }

    static Option<string?> DataRootOption() => new("--data") { Description = $"Data root (default: ${ZfVizPaths.DataVariable}, else ~/.local/share/zfviz/data)" };

    static Command CreateList()
    {
        var data = DataRootOption();
        var cmd = new Command("list", "List the registered data sets, their splits, and whether each is present") { data };
        cmd.SetAction(r =>
        {
            var root = r.GetValue(data) ?? ZfVizPaths.DataRoot;
            Console.WriteLine($"data root: {root}{(Directory.Exists(root) ? "" : "  (does not exist)")}");
            foreach (var d in Datasets.All)
            {
                var folder = Path.Combine(root, d.Name);
                var state = !Directory.Exists(folder) ? "absent" : DataMarker.Read(folder) is null ? "present (no fetch marker)" : "present";
                Console.WriteLine($"  {d.Name,-17} {string.Join("/", d.Splits),-16} {state,-26} {d.Description}");
            }
            return 0;
        });
        return cmd;
    }

    static Command CreateCheck()
    {
        var names = new Argument<string[]>("name") { Description = "Data sets to check (default: every one present)", Arity = ArgumentArity.ZeroOrMore };
        var verify = new Option<bool>("--verify") { Description = "Also re-hash the kept files the fetch marker lists (sha256)" };
        var classes = new Option<bool>("--classes") { Description = "Print the count of every class, however many" };
        var deep = new Option<bool>("--deep") { Description = $"Decode every image file (default: a sample of {Datasets.SampledImages} per split)" };
        var data = DataRootOption();
        var cmd = new Command("check", "Counts per split and class, format, and checksum state of data sets") { names, verify, classes, deep, data };
        cmd.SetAction(r =>
        {
            var root = r.GetValue(data) ?? ZfVizPaths.DataRoot;
            var requested = r.GetValue(names) ?? [];
            if (requested.Length == 0 && !Directory.Exists(root))
                throw new UserInputException($"Data root {root} does not exist. Fill it with data-scripts/fetch-all.sh (offline: --mirror DIR).");
            var sets = requested.Length > 0 ? requested.Select(n => Datasets.Find(n)).ToList()
                : Datasets.All.Where(d => Directory.Exists(Path.Combine(root, d.Name))).ToList();
            if (sets.Count == 0) { Console.WriteLine($"No data sets in {root}. Run data-scripts/fetch-all.sh."); return 1; }
            bool ok = true;
            foreach (var d in sets)
            {
                var s = Datasets.Check(d.Name, root, r.GetValue(verify), r.GetValue(deep));
                ok &= s.Ok;
                Print(s, r.GetValue(classes));
            }
            return ok ? 0 : 1;
        });
        return cmd;
    }

    static void Print(DatasetStatus s, bool allClasses)
    {
        Console.WriteLine($"{s.Info.Name}: {(s.Present ? $"present ({s.Format}) in {s.Folder}" : $"ABSENT ({s.Folder})")}");
        foreach (var split in s.Splits)
        {
            var counts = split.PerClass.Select(c => c.Count).ToArray();
            Console.WriteLine($"  {split.Split,-9} {split.Count,9:N0} images, {split.PerClass.Count} classes" +
                (counts.Length > 0 ? $" ({counts.Min():N0} to {counts.Max():N0} per class)" : ""));
            if (allClasses || split.PerClass.Count <= 20)
                foreach (var (name, count) in split.PerClass) Console.WriteLine($"      {name,-22} {count,8:N0}");
        }
        Console.WriteLine($"  checksums: {s.ChecksumState}");
        foreach (var p in s.Problems) Console.WriteLine($"  PROBLEM: {p}");
    }

    static Command CreateBench()
    {
        var batch = new Option<int>("--batch") { Description = "Batch size for the augmentation pass", DefaultValueFactory = _ => 128 };
        var imagenet = new Option<bool>("--imagenet") { Description = "Also decode the 1000 ImageNet sample photos at 224x224" };
        var data = DataRootOption();
        var cmd = new Command("bench", "Measure CIFAR-10: first load (decode, images/s), cached reload time, augmentation images/s") { batch, imagenet, data };
        cmd.SetAction(r =>
        {
            if (r.GetValue(batch) < 1) throw new UserInputException("--batch must be at least 1.");
            TorchRuntime.Initialize();
            var b = DataBenchmark.Run(r.GetValue(data), r.GetValue(batch), m => Console.Error.WriteLine(m));
            Console.WriteLine($"CIFAR-10 ({b.Format}), {b.Threads} decoding threads, {b.TorchThreads} torch threads");
            Console.WriteLine($"  first load (decode, no cache)  {b.DecodedImages,7:N0} images  {b.DecodeSeconds,7:0.00} s  {b.DecodeImagesPerSecond,9:N0} images/s");
            Console.WriteLine($"  cache write                                     {b.CacheWriteSeconds,7:0.00} s");
            Console.WriteLine($"  cached reload                  {b.CachedImages,7:N0} images  {b.CachedReloadSeconds,7:0.00} s");
            Console.WriteLine($"  augmentation (float, mean, crop+flip, batch {b.BatchSize})");
            Console.WriteLine($"    {b.TorchThreads} torch thread(s)               {b.AugmentedImages,7:N0} images  {b.AugmentSeconds,7:0.00} s  {b.AugmentImagesPerSecond,9:N0} images/s");
            if (b.TorchThreads > 1)
                Console.WriteLine($"    1 torch thread                 {b.AugmentedImages,7:N0} images  {b.AugmentSecondsOneThread,7:0.00} s  {b.AugmentImagesPerSecondOneThread,9:N0} images/s");
            if (r.GetValue(imagenet))
            {
                var (n, seconds) = DataBenchmark.DecodeImageNetSamples(r.GetValue(data));
                Console.WriteLine($"ImageNet samples at 224 (resize 256, centre crop): {n:N0} images  {seconds:0.00} s  {n / seconds:N0} images/s");
            }
            // The machine's load puts the figures in context (shared CPUs make them vary).
            if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        });
        return cmd;
    }

    static Command CreateClearCache()
    {
        var name = new Argument<string?>("name") { Description = "Only this data set's entries", Arity = ArgumentArity.ZeroOrOne };
        var data = DataRootOption();
        var cmd = new Command("clear-cache", "Delete decoded-tensor cache entries (data root/.cache)") { name, data };
        cmd.SetAction(r =>
        {
            var n = r.GetValue(name) is { } d ? Datasets.Find(d).Name : null;
            var cache = TensorCache.ForDataRoot(r.GetValue(data));
            Console.WriteLine($"deleted {cache.Clear(n)} cache entr(ies) from {cache.Folder}");
            return 0;
        });
        return cmd;
    }
}
