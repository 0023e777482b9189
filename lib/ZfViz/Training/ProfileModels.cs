using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// The one place that decides which networks and data a profile means, for the notebooks and `zfviz train --profile`:
/// quick and course use the CIFAR-scale presets (zfnet-cifar, alexnet-cifar) on CIFAR-10; paper and paper-smoke
/// (<see cref="Profile.PaperScale"/>) the paper's 224x224 presets (zfnet, alexnet; fc8 as wide as the data's classes)
/// on photos: the user's ILSVRC-2012 copy if it is in the data root, else Imagenette, else a stop that says how to get
/// one; paper-smoke uses generated photos (<see cref="SmokePhotos"/>). Trained runs live in the model store and are
/// loaded, not retrained (a killed run resumes).
/// </summary>
public static class ProfileModels
{
    /// <summary>The data a profile's networks use; photos are looked for under <paramref name="dataRoot"/> (default $ZFVIZ_DATA's).</summary>
    public static ProfileData Data(Profile profile, string? dataRoot = null)
    {
        if (!profile.PaperScale)
            return new ProfileData("cifar10", "cifar10", dataRoot, 10, 32, "CIFAR-10 at 32x32 (the CIFAR-scale networks)");
        if (profile.Name == Profile.PaperSmoke.Name)
        {
            var smoke = SmokePhotos.EnsureDataRoot();
            return new ProfileData("paper-smoke", "imagenet", smoke, SmokePhotos.Classes, 224,
                $"generated photos in {smoke} ({SmokePhotos.Classes} classes, {SmokePhotos.TrainPerClass} train / {SmokePhotos.ValPerClass} val each): a smoke run of the paper path");
        }
        var root = dataRoot ?? ZfVizPaths.DataRoot;
        var imagenet = Path.Combine(root, "imagenet");
        if (Directory.Exists(imagenet))
        {
            int classes = ImageNetFolder.Synsets(imagenet).Count; // a broken copy stops here, saying what is wrong
            return new ProfileData("imagenet", "imagenet", dataRoot, classes, 224, $"ILSVRC-2012 in {imagenet} ({classes} classes)");
        }
        var imagenette = Path.Combine(root, "imagenette");
        if (Imagenette.VariantRoot(imagenette) is { } variant)
            return new ProfileData("imagenette", "imagenette", dataRoot, Imagenette.Names.Count, 224,
                $"Imagenette in {variant} (10 ImageNet classes; no ILSVRC-2012 copy in {imagenet})");
        throw new UserInputException(
            $"the {profile.Name} profile trains the paper's networks on ImageNet-style photos and found none in {root}. " +
            "Link your ILSVRC-2012 copy (train/<wnid>/*.JPEG and val/) with data-scripts/fetch-imagenet.sh --from DIR, " +
            "or fetch Imagenette (10 classes, about 1.5 GB) with data-scripts/fetch-imagenette.sh; " +
            $"to try the paper path without data, use ZFVIZ_PROFILE={Profile.PaperSmoke.Name}.", $"${Profile.EnvironmentVariable}={profile.Name}");
    }

    /// <summary>The ZFNet of a profile: zfnet-cifar, or the paper's zfnet with fc8 as wide as the data's classes.</summary>
    public static NetConfig ZfNetConfig(Profile profile) => ZfNetConfig(profile, Data(profile));

    public static NetConfig ZfNetConfig(Profile profile, ProfileData data) =>
        profile.PaperScale ? Presets.ZfNet.WithClasses(data.Classes) : Presets.ZfNetCifar;

    /// <summary>The AlexNet of a profile (notebooks 06 and 11): alexnet-cifar, or the paper's alexnet (11x11/4 first layer).</summary>
    public static NetConfig AlexNetConfig(Profile profile) => AlexNetConfig(profile, Data(profile));

    public static NetConfig AlexNetConfig(Profile profile, ProfileData data) =>
        profile.PaperScale ? Presets.AlexNet.WithClasses(data.Classes) : Presets.AlexNetCifar;

    /// <summary>The training options of a profile's run: its sizes (see <see cref="TrainingOptions.ForProfile"/>) and seed.
    /// Photos are stored at 256 and trained on random 224 crops and flips (the Trainer crops what is larger than the input).</summary>
    public static TrainingOptions Options(Profile profile, NetConfig config, long seed = 1) =>
        TrainingOptions.ForProfile(profile, config) with { Seed = seed };

    /// <summary>
    /// The run folder of a network in the model store: $ZFVIZ_MODELS/&lt;run&gt;/&lt;profile&gt;, where run is the
    /// network's name for CIFAR-10 and ILSVRC-2012 (zfnet-cifar, zfnet) and name-data otherwise (zfnet-imagenette), with
    /// "-seed2" for a second seed.
    /// </summary>
    public static string RunDirectory(Profile profile, NetConfig config, ProfileData data, long seed = 1)
    {
        var run = data.Name is "cifar10" or "imagenet" ? config.Name : $"{config.Name}-{data.Name}";
        if (seed != 1) run += $"-seed{seed}";
        return Path.Combine(ZfVizPaths.ModelsRoot, run, profile.Name);
    }

    /// <summary>The run folder of the profile's ZFNet (its kept checkpoints are notebook 04's epochs).</summary>
    public static string ZfNetRunDirectory(Profile profile)
    {
        var data = Data(profile);
        return RunDirectory(profile, ZfNetConfig(profile, data), data);
    }

    /// <summary>The profile's trained ZFNet: loaded from the model store, or trained there first (resuming a killed run).</summary>
    public static TrainedModel ZfNet(Profile profile, IProgress<TrainingProgress>? progress = null, long seed = 1)
    {
        var data = Data(profile);
        return GetOrTrain(profile, ZfNetConfig(profile, data), data, seed, progress);
    }

    /// <summary>The profile's trained AlexNet (notebooks 06 and 11).</summary>
    public static TrainedModel AlexNet(Profile profile, IProgress<TrainingProgress>? progress = null)
    {
        var data = Data(profile);
        return GetOrTrain(profile, AlexNetConfig(profile, data), data, 1, progress);
    }

    /// <summary>Loads the run of <paramref name="config"/> or trains it on the profile's data (train split, and the test split for the per-epoch error).</summary>
    public static TrainedModel GetOrTrain(Profile profile, NetConfig config, ProfileData data, long seed = 1, IProgress<TrainingProgress>? progress = null)
    {
        var run = RunDirectory(profile, config, data, seed);
        return ModelStore.LoadOrTrain(run, config, Options(profile, config, seed), () =>
            (TrainingData.Sized(data.ForTraining("train"), "train", profile), TrainingData.Sized(data.ForTraining("test"), "test", profile)),
            progress, Console.WriteLine, trainedOn: TrainingData.TrainedOn(data.Name, profile.TrainImages)).Model;
    }

    /// <summary>The Table 3 rows a profile trains (notebook 09): all nine at CIFAR scale; at 224 on a CPU, a night's
    /// subset (what `zfviz model-size --variants night` trains): the baseline and the paper's two removals (conv 3,4 against
    /// fc 6,7) that carry its point that depth matters. The others need a GPU or more nights.</summary>
    public static IReadOnlyList<Variant> Table3Variants(Profile profile, NetConfig baseline)
    {
        var all = VariantStudy.Table3(baseline);
        return profile.PaperScale ? VariantStudy.Select(all, "night") : all;
    }

    public static readonly IReadOnlyList<string> PaperScaleTable3 = ["baseline", "removed layers 3,4", "removed layers 6,7"];

    /// <summary>Test images at the network's input size (224 centre crops, or CIFAR's 32), a fixed class-balanced
    /// sample of <see cref="AnalysisSampleSize"/> images.</summary>
    public static ImageDataset TestImages(Profile profile, int? count = null, int seed = 0) =>
        Data(profile).ForAnalysis("test").Sample(AnalysisSampleSize(profile, count), seed);

    /// <summary>The most test images an analysis reads at once when neither the caller nor the profile says (the paper
    /// profile): 1.5 GB at 224. Imagenette's 3,925 validation photos fit whole; ILSVRC's 50,000 (7.5 GB) are streamed
    /// from disk and an analysis, which reads one tensor, takes this class-balanced sample of them.</summary>
    public const int AnalysisImages = 10_000;

    /// <summary>How many test images <see cref="TestImages"/> samples: <paramref name="count"/>, else the profile's
    /// EvalImages, else <see cref="AnalysisImages"/>.</summary>
    public static int AnalysisSampleSize(Profile profile, int? count = null) => count ?? profile.EvalImages ?? AnalysisImages;

    /// <summary>Training images at the network's input size, a fixed sample (notebook 04 follows features on them).</summary>
    public static ImageDataset TrainImages(Profile profile, int? count, int seed = 0) =>
        Data(profile).ForAnalysis("train").Sample(count, seed);

    /// <summary>Test images at the training size (256 for photos), sized like training's validation set: what the
    /// paper's 10-view test crops (<see cref="Evaluator.Probabilities(ConvNet, InputNorm, ImageDataset, int, int?)"/>).</summary>
    public static ImageDataset TenViewTestImages(Profile profile) =>
        Data(profile).ForTraining("test").Sample(profile.EvalImages);
}
