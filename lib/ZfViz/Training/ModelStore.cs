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
        }, progress, Console.WriteLine, trainedOn: data is null ? TrainingData.TrainedOn(TrainingData.DefaultFor(config), profile.TrainImages) : null).Model;
    }

    /// <summary>
    /// The trained model of a run folder: loaded when the folder holds the final model of this config, these options
    /// and this budget, else trained there on <paramref name="data"/> (called only then). A folder trained with another
    /// config, options, epoch count or training set is moved aside first (<see cref="SetAsideIfStale"/>), and
    /// <paramref name="log"/> says so. <paramref name="trainedOn"/> names the training set asked for (e.g.
    /// "cifar10, 20000 training images"); it is kept in the folder and compared on the next call (null: not checked).
    /// <paramref name="starting"/> hears whether it is about to load (true) or train (false).
    /// </summary>
    public static (TrainedModel Model, bool Loaded) LoadOrTrain(string run, NetConfig config, TrainingOptions options,
        Func<(ImageDataset Train, ImageDataset? Validation)> data, IProgress<TrainingProgress>? progress = null,
        Action<string>? log = null, Action<bool>? starting = null, string? trainedOn = null)
    {
        if (SetAsideIfStale(run, config, options, trainedOn) is { } aside)
            log?.Invoke($"{aside}; training afresh.");
        var final = RunFiles.FinalModel(run);
        bool loaded = File.Exists(final);
        starting?.Invoke(loaded);
        if (loaded) return (Checkpoint.LoadModel(final, TorchRuntime.Device), true);
        var (train, validation) = data();
        if (trainedOn is not null)
        {
            Directory.CreateDirectory(run);
            AtomicFile.WriteAllText(RunFiles.TrainedOn(run), trainedOn);
        }
        return (Trainer.Run(config, train, validation, options, run, progress).Model, false);
    }

    /// <summary>
    /// A run folder belongs to one network, one set of training options and one budget. When the folder was trained
    /// otherwise (a preset, the profile's options, the epoch count of a finished run, or the training set changed since),
    /// the old run is moved aside, nothing deleted, so a fresh run can start. Returns where it went and why, or null
    /// when the folder is absent or matches. An unfinished run may still be resumed with another epoch count (a killed
    /// run continues where it stopped); a folder that does not record its training set is taken to match.
    /// </summary>
    public static MovedAside? SetAsideIfStale(string run, NetConfig config, TrainingOptions options, string? trainedOn = null)
    {
        if (StaleReason(run, config, options, trainedOn) is not { } reason) return null;
        var stamp = $"{run}.replaced-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        var aside = stamp;
        for (int n = 2; Directory.Exists(aside) || File.Exists(aside); n++) aside = $"{stamp}-{n}"; // two within a second
        Directory.Move(run, aside);
        return new MovedAside(run, aside, reason);
    }

    /// <summary>Why a run folder cannot serve this request ("of a different network", ...), or null when it can or is absent.</summary>
    public static string? StaleReason(string run, NetConfig config, TrainingOptions options, string? trainedOn = null)
    {
        if (!Directory.Exists(run) || !File.Exists(RunFiles.Config(run))) return null;
        try
        {
            if (!NetConfig.FromJson(File.ReadAllText(RunFiles.Config(run))).Equals(config)) return "of a different network";
            var saved = System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(RunFiles.Options(run)));
            if (saved is null || saved.ResumeKey() != options.ResumeKey()) return "trained with different options";
            if (saved.Epochs != options.Epochs && File.Exists(RunFiles.FinalModel(run)))
                return $"that finished after {saved.Epochs} epoch(s), not the {options.Epochs} asked for";
            if (trainedOn is not null && File.Exists(RunFiles.TrainedOn(run)) && File.ReadAllText(RunFiles.TrainedOn(run)) is var was && was != trainedOn)
                return $"trained on {was}, not {trainedOn}";
            return null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or UserInputException or ArgumentException or IOException)
        {
            return $"whose files could not be read ({e.Message})";
        }
    }

    /// <summary>The CIFAR-10 ZFNet of this profile (trained on first use): what notebooks 03-11 start from.</summary>
    public static TrainedModel GetOrTrainCifarZfNet(Profile? profile = null, Func<string, ImageDataset>? data = null, IProgress<TrainingProgress>? progress = null) =>
        GetOrTrain(Presets.ZfNetCifar.Name, profile ?? Profile.FromEnvironment(), data, progress);
}
