using ZfViz.Data;
using ZfViz.Models;

namespace ZfViz.Training;

/// <summary>
/// Trains several variants of a network the same way on the same data and measures each (Table 3: model size).
/// Each variant keeps its run in its own folder, so a second call loads instead of training, and a killed call
/// resumes where it stopped.
/// </summary>
public static class VariantStudy
{
    /// <summary>
    /// Table 3's variants of a ZFNet-shaped <paramref name="baseline"/>, sizes scaled by its own: removed layers 3,4;
    /// removed layer 7; removed layers 6,7; removed 3,4,6,7; layers 6,7 halved and doubled (the paper's 2048 and 8192
    /// against 4096); layers 3,4,5 widened as 384/384/256 to 512/1024/512; and doubled 6,7 with wider 3,4,5.
    /// </summary>
    public static IReadOnlyList<Variant> Table3(NetConfig baseline)
    {
        if (baseline.Convs.Count != 5) throw new UserInputException($"Table 3's variants need five conv layers; {baseline.Name} has {baseline.Convs.Count}.", "--model");
        int Scale(int filters, int numerator, int denominator) => Math.Max(1, (int)Math.Round(filters * (double)numerator / denominator));
        var wider = baseline
            .WithConv(3, l => l with { Filters = Scale(l.Filters, 512, 384) })
            .WithConv(4, l => l with { Filters = Scale(l.Filters, 1024, 384) })
            .WithConv(5, l => l with { Filters = Scale(l.Filters, 512, 256) });
        return
        [
            new("baseline", baseline),
            new("removed layers 3,4", baseline.WithoutConv(3, 4)),
            new("removed layer 7", baseline.WithFc(baseline.Fc6, 0)),
            new("removed layers 6,7", baseline.WithFc(0, 0)),
            new("removed layers 3,4,6,7", baseline.WithoutConv(3, 4).WithFc(0, 0)),
            new("layers 6,7 halved", baseline.WithFc(baseline.Fc6 / 2, baseline.Fc7 / 2)),
            new("layers 6,7 doubled", baseline.WithFc(baseline.Fc6 * 2, baseline.Fc7 * 2)),
            new("layers 3,4,5 wider", wider),
            new("6,7 doubled and 3,4,5 wider", wider.WithFc(baseline.Fc6 * 2, baseline.Fc7 * 2)),
        ];
    }

    /// <summary>
    /// The rows of <paramref name="table"/> that <paramref name="spec"/> names, in table order: "all"; "night" (the
    /// baseline and the paper's two removals, <see cref="ProfileModels.PaperScaleTable3"/>: what the paper profile
    /// trains at 224 on a CPU); or row numbers as printed, 1-based and comma-separated ("1,2,4").
    /// </summary>
    public static IReadOnlyList<Variant> Select(IReadOnlyList<Variant> table, string spec)
    {
        const string subject = "--variants";
        string Rows() => string.Join("; ", table.Select((v, i) => $"{i + 1} {v.Label}"));
        var text = spec.Trim().ToLowerInvariant();
        if (text == "all") return table;
        if (text == "night") return table.Where(v => ProfileModels.PaperScaleTable3.Contains(v.Label)).ToList();
        var rows = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int row) || row < 1 || row > table.Count)
                throw new UserInputException($"'{part}' is not a row of Table 3; give all, night, or row numbers 1-{table.Count} separated by commas ({Rows()}).", subject);
            if (!rows.Add(row)) throw new UserInputException($"row {row} is given twice.", subject);
        }
        return rows.Select(r => table[r - 1]).ToList();
    }

    /// <summary>
    /// Trains (or loads) every variant on <paramref name="train"/> with <paramref name="options"/> and measures it on
    /// <paramref name="train"/> and <paramref name="validation"/>. Runs live in <paramref name="root"/>/NN-label; a
    /// folder trained with another config, options, epoch count or number of images is moved aside first (see <see cref="ModelStore.LoadOrTrain"/>).
    /// <paramref name="log"/> hears one line as each variant starts and ends; <paramref name="training"/> the batches.
    /// </summary>
    public static IReadOnlyList<VariantResult> Run(IReadOnlyList<Variant> variants, ImageDataset train, ImageDataset validation,
        TrainingOptions options, string root, Action<string>? log = null, IProgress<TrainingProgress>? training = null)
    {
        if (variants.Count == 0) throw new ArgumentException("Give at least one variant.", nameof(variants));
        var duplicate = variants.GroupBy(v => v.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Variant label '{duplicate.Key}' is used twice; labels name the run folders.", nameof(variants));
        foreach (var v in variants) v.Config.Validate();
        var results = new List<VariantResult>();
        for (int i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            results.Add(TrainAndMeasure(v, train, validation, options, Path.Combine(root, $"{i + 1:D2}-{Slug(v.Label)}"), log, training,
                $"{i + 1}/{variants.Count}"));
        }
        return results;
    }

    /// <summary>
    /// Trains (or loads) one more variant, e.g. a student's own, with the study's budget: give it the same
    /// <paramref name="train"/>, <paramref name="validation"/>, <paramref name="options"/> and <paramref name="root"/>
    /// as <see cref="Run"/>, and it is trained and measured exactly as the study's variants are, so its row compares
    /// with theirs. Its run lives in <paramref name="root"/>/own-label, apart from the study's numbered folders.
    /// </summary>
    public static VariantResult RunOwn(Variant variant, ImageDataset train, ImageDataset validation, TrainingOptions options,
        string root, Action<string>? log = null, IProgress<TrainingProgress>? training = null)
    {
        variant.Config.Validate();
        return TrainAndMeasure(variant, train, validation, options, Path.Combine(root, $"own-{Slug(variant.Label)}"), log, training, "own");
    }

    static VariantResult TrainAndMeasure(Variant v, ImageDataset train, ImageDataset validation, TrainingOptions options, string run,
        Action<string>? log, IProgress<TrainingProgress>? training, string position)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (model, loaded) = ModelStore.LoadOrTrain(run, v.Config, options, () => (train, validation), training, log,
            starting: load => log?.Invoke($"{v.Label}: {(load ? "loading" : "training")} ({position})"),
            trainedOn: TrainingData.TrainedOn(train.Name, train.Count));
        using var _ = model;
        double seconds = loaded ? 0 : clock.Elapsed.TotalSeconds;
        var onTrain = Evaluator.Evaluate(model, train);
        var onValidation = Evaluator.Evaluate(model, validation);
        long parameters = model.Net.parameters().Sum(p => p.numel());
        log?.Invoke($"{v.Label}: train top-1 {onTrain.Top1Error:P1}, validation top-1 {onValidation.Top1Error:P1}");
        return new VariantResult(v.Label, v.Config, parameters, onTrain.Top1Error, onValidation.Top1Error, onValidation.Top5Error, seconds, loaded);
    }

    /// <summary>A folder-safe form of a label: lower case letters and digits, other runs of characters as one '-'.</summary>
    public static string Slug(string label)
    {
        var chars = label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "variant" : slug;
    }
}
