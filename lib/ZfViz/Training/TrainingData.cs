using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// The one place where training code gets its data: a name ("synthetic", "cifar10", "fashion-mnist") becomes a
/// function split ("train" | "test") -> data set (the real ones through ZfViz.Data's registry), sized by the profile.
/// </summary>
public static class TrainingData
{
    public static IReadOnlyList<string> Names { get; } = ["synthetic", "cifar10", "fashion-mnist", "safetensors:<folder>"];

    /// <summary>"safetensors:&lt;folder&gt;": &lt;folder&gt;/{train,test}.safetensors, each with "images" (uint8 [N,C,H,W]) and
    /// "labels" (int64 [N]) and optional metadata "class_names" (JSON array): a plain exchange format for any data set.</summary>
    public const string FolderPrefix = "safetensors:";

    static ImageDataset LoadSafetensors(string folder, string split)
    {
        var path = Path.Combine(folder, $"{split}.safetensors");
        var (t, meta) = IO.Safetensors.Load(path);
        if (!t.TryGetValue("images", out var images) || !t.TryGetValue("labels", out var labels))
            throw new UserInputException($"{path}: needs tensors 'images' (uint8 [N,C,H,W]) and 'labels' (int64 [N]).");
        var names = meta.TryGetValue("class_names", out var json) ? System.Text.Json.JsonSerializer.Deserialize<string[]>(json)! : [];
        if (names.Length == 0) names = Enumerable.Range(0, (int)labels.max().item<long>() + 1).Select(i => $"class-{i}").ToArray();
        return new ImageDataset($"{Path.GetFileName(Path.GetFullPath(folder))}-{split}", images, labels, names);
    }

    public static Func<string, ImageDataset> For(string name, NetConfig config, Profile profile) => name.Trim().ToLowerInvariant() switch
    {
        var n when n.StartsWith(FolderPrefix, StringComparison.Ordinal) => split => LoadSafetensors(name.Trim()[FolderPrefix.Length..], split),
        "synthetic" => split => split switch
        {
            "train" => SyntheticData.Gratings(Math.Min(profile.TrainImages ?? 20_000, 20_000), config.InputSize, config.InputChannels, config.Classes, seed: 11, name: "synthetic-train"),
            "test" => SyntheticData.Gratings(Math.Min(profile.EvalImages ?? 5_000, 5_000), config.InputSize, config.InputChannels, config.Classes, seed: 12, name: "synthetic-test"),
            _ => throw new UserInputException($"Unknown split '{split}'; use train or test."),
        },
        "cifar10" or "cifar-10" => split => Datasets.Load("cifar10", split, 32),
        "fashion-mnist" or "fmnist" => split => Datasets.Load("fashion-mnist", split, 28),
        _ => throw new UserInputException($"Unknown data set '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };

    /// <summary>
    /// The preset's own data set if it can be loaded, else synthetic gratings of the same shape (so notebooks run
    /// everywhere); <see cref="DataSource.Note"/> says which and why. Probes the loader by loading the test split.
    /// Under the paper profiles a 224 network gets the profile's photos (<see cref="ProfileModels.Data"/>).
    /// </summary>
    public static DataSource PreferReal(NetConfig config, Profile profile)
    {
        if (profile.PaperScale && config.InputSize > 32)
        {
            // The paper profiles' photos (ProfileModels decides which; none at all is a stop, not synthetic data).
            var photos = ProfileModels.Data(profile);
            return new DataSource(photos.Name, photos.ForTraining, $"{profile.Name} profile: {photos.Note}.");
        }
        var name = DefaultFor(config);
        try
        {
            var load = For(name, config, profile);
            _ = load("test");
            return new DataSource(name, load);
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UserInputException)
        {
            return new DataSource("synthetic", For("synthetic", config, profile), $"{e.Message} Using synthetic gratings instead.");
        }
    }

    /// <summary>The data set a preset is meant for (by its input shape): cifar10 for 32x32x3, fashion-mnist for 28x28x1.</summary>
    public static string DefaultFor(NetConfig config) => (config.InputSize, config.InputChannels) switch
    {
        (32, 3) => "cifar10",
        (28, 1) => "fashion-mnist",
        _ => "synthetic",
    };

    /// <summary>
    /// The profile's number of images from a split (TrainImages / EvalImages; null = all): a fixed class-balanced
    /// subset (seeded, the same on every run), because loaders may return the images sorted by class and the first N
    /// would then all be airplanes.
    /// </summary>
    public static ImageDataset Sized(ImageDataset data, string split, Profile profile) =>
        data.Sample(split == "train" ? profile.TrainImages : profile.EvalImages, seed: split == "train" ? 2014_0001 : 2014_0002);

    /// <summary>The training set a run folder records (see <see cref="ModelStore.LoadOrTrain"/>): the data set and how
    /// many of its images, e.g. a profile's <see cref="Profile.TrainImages"/> (null: every image).</summary>
    public static string TrainedOn(string dataName, int? images) =>
        $"{dataName}, {(images is { } n ? $"{n} training images" : "every training image")}";
}
