using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// How a CIFAR-scale network is trained from scratch on a few images per class (the "from scratch" column of the
/// paper's Tables 4-5): everything but the images. The budget is a number of image presentations, whatever the
/// number of images, so a smaller set is seen for more epochs; the run stops early at the epoch a stratified
/// held-out part of the training images liked best (<see cref="ScratchBaseline"/>).
/// </summary>
/// <param name="Presentations">Images shown in training (epochs = Presentations / training images, at least <see cref="MinEpochs"/>).</param>
/// <param name="Dropout">Dropout of fc6/fc7 (the preset's 0.5 is the paper's).</param>
/// <param name="Augment">Random crops (pad 1/8 of the side) and horizontal flips.</param>
/// <param name="HeldOutFraction">Part of each class's training images held out to pick the stopping epoch.</param>
public sealed record ScratchRecipe(
    string Name,
    double LearningRate,
    LrSchedule Schedule,
    double WeightDecay,
    double Dropout,
    bool Augment,
    int Presentations,
    int BatchSize = 32,
    double HeldOutFraction = 0.2)
{
    public const int MinEpochs = 2;

    /// <summary>The recipe of the course run before tuning: SGD 0.01, steps x0.1 at 50% and 75%, dropout 0.5, 15,000 presentations.</summary>
    public static ScratchRecipe Untuned { get; } = new("untuned (course run)", 0.01, new LrSchedule(LrScheduleKind.Step), 5e-4, 0.5, true, 15_000);

    /// <summary>
    /// The recipe chosen by the search in docs/scratch-baseline.md (CIFAR-10, 60 per class, judged on held-out images
    /// of the training split, never the test images): the best held-out accuracy, with no dropout, rate 0.03 and a
    /// cosine schedule. Dropout 0.5 on a few hundred images and a few hundred steps kept the network from fitting even
    /// its training images; without it, the rate and schedule mattered little.
    /// </summary>
    public static ScratchRecipe Chosen { get; } = Untuned with
    {
        Name = "tuned (lr 0.03, cosine, no dropout)", LearningRate = 0.03, Dropout = 0, Schedule = new LrSchedule(LrScheduleKind.Cosine),
    };

    /// <summary>The candidates of that search, in the order tried (each a change or two from <see cref="Untuned"/>).</summary>
    public static IReadOnlyList<ScratchRecipe> Candidates { get; } =
    [
        Untuned,
        Untuned with { Name = "lr 0.03", LearningRate = 0.03 },
        Untuned with { Name = "lr 0.03, no dropout", LearningRate = 0.03, Dropout = 0 },
        Untuned with { Name = "no dropout", Dropout = 0 },
        Untuned with { Name = "cosine", Schedule = new LrSchedule(LrScheduleKind.Cosine) },
        Untuned with { Name = "twice the budget", Presentations = 30_000 },
        Chosen,
    ];

    /// <summary>This recipe with the profile's budget: a twentieth of the presentations in the quick profile (a smoke run).</summary>
    public ScratchRecipe ForProfile(Profile profile) =>
        this with { Presentations = profile.Pick(quick: Math.Max(1, Presentations / 20), course: Presentations, paper: Presentations) };

    public int EpochsFor(int trainingImages) => Math.Max(MinEpochs, Presentations / Math.Max(1, trainingImages));

    /// <summary>The network config with this recipe's dropout.</summary>
    public NetConfig Network(NetConfig config) => config with { Dropout = Dropout };

    /// <summary>Trainer options for a set of <paramref name="trainingImages"/> images.</summary>
    public TrainingOptions Options(NetConfig config, int trainingImages, long seed) => new(
        Epochs: EpochsFor(trainingImages),
        BatchSize: BatchSize,
        LearningRate: LearningRate,
        WeightDecay: WeightDecay,
        Schedule: Schedule,
        Augment: Augment,
        CropPadding: Math.Max(1, config.InputSize / 8),
        Seed: seed);
}
