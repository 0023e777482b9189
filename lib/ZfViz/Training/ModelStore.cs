using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// Trained models shared across notebooks: <c>$ZFVIZ_MODELS/&lt;preset&gt;/&lt;profile&gt;/</c> holds one training run
/// (see <see cref="RunFiles"/>). <see cref="GetOrTrain"/> loads its final model, or trains it first (resuming an
/// interrupted run), so every later notebook can start with one call.
/// </summary>
public static class ModelStore
{
    public static string RunDirectory(string preset, Profile profile) => Path.Combine(ZfVizPaths.ModelsRoot, preset, profile.Name);

    /// <param name="data">Split -> data set (default: <see cref="TrainingData.For"/> of the preset's data set).</param>
    /// <param name="runName">The run folder's name under the model store (default: the preset's), e.g.
    /// "zfnet-cifar-seed2" for a second run of the same preset with other options.</param>
    public static TrainedModel GetOrTrain(string preset, Profile profile, Func<string, ImageDataset>? data = null,
        IProgress<TrainingProgress>? progress = null, TrainingOptions? options = null, string? runName = null)
    {
        var config = Presets.Get(preset);
        if (runName is not null && (runName.Length == 0 || runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runName is "." or ".."))
            throw new ArgumentException($"'{runName}' cannot name a run folder.", nameof(runName));
        var run = RunDirectory(runName ?? config.Name, profile);
        options ??= TrainingOptions.ForProfile(profile, config);
        return LoadOrTrain(run, config, options, () =>
        {
            data ??= TrainingData.For(TrainingData.DefaultFor(config), config, profile);
            return (TrainingData.Sized(data("train"), "train", profile), TrainingData.Sized(data("test"), "test", profile));
        }, progress, Console.WriteLine).Model;
    }

    /// <summary>
    /// The trained model of a run folder: loaded when the folder holds the final model of this config and these
    /// options, else trained there on <paramref name="data"/> (called only then). A folder trained with another config
    /// or options is moved aside first (<see cref="SetAsideIfStale"/>), and <paramref name="log"/> says so.
    /// <paramref name="starting"/> hears whether it is about to load (true) or train (false).
    /// </summary>
    public static (TrainedModel Model, bool Loaded) LoadOrTrain(string run, NetConfig config, TrainingOptions options,
        Func<(ImageDataset Train, ImageDataset? Validation)> data, IProgress<TrainingProgress>? progress = null,
        Action<string>? log = null, Action<bool>? starting = null)
    {
        if (SetAsideIfStale(run, config, options) is { } aside)
            log?.Invoke($"{run} held a run of a different network or options (the preset changed since); moved it to {aside} and training afresh.");
        var final = RunFiles.FinalModel(run);
        bool loaded = File.Exists(final);
        starting?.Invoke(loaded);
        if (loaded) return (Checkpoint.LoadModel(final, TorchRuntime.Device), true);
        var (train, validation) = data();
        return (Trainer.Run(config, train, validation, options, run, progress).Model, false);
    }

    /// <summary>
    /// A run folder belongs to one network and one set of training options. When the folder was trained with others
    /// (a preset or the profile's options changed since), the old run is moved aside, nothing deleted, so a fresh run
    /// can start. Returns where it went, or null when the folder is absent or matches.
    /// </summary>
    public static string? SetAsideIfStale(string run, NetConfig config, TrainingOptions options)
    {
        if (!Directory.Exists(run) || !File.Exists(RunFiles.Config(run))) return null;
        bool matches;
        try
        {
            var saved = System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(RunFiles.Options(run)));
            matches = NetConfig.FromJson(File.ReadAllText(RunFiles.Config(run))).Equals(config) && saved?.ResumeKey() == options.ResumeKey();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or UserInputException or ArgumentException or IOException)
        {
            matches = false;
        }
        if (matches) return null;
        var aside = $"{run}.replaced-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        Directory.Move(run, aside);
        return aside;
    }

    /// <summary>The CIFAR-10 ZFNet of this profile (trained on first use): what notebooks 03-11 start from.</summary>
    public static TrainedModel GetOrTrainCifarZfNet(Profile? profile = null, Func<string, ImageDataset>? data = null, IProgress<TrainingProgress>? progress = null) =>
        GetOrTrain(Presets.ZfNetCifar.Name, profile ?? Profile.FromEnvironment(), data, progress);
}
