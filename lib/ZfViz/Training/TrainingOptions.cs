using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// Everything a training run needs besides the network config and data (paper Sec. 3 defaults).
/// </summary>
/// <param name="CropPadding">Random-crop augmentation: pad by this many pixels, crop back to the input size (the paper
/// crops 224 of 256, i.e. 1/8; 4 px on 32 px CIFAR). 0 disables crops; flips follow <paramref name="Augment"/>.</param>
/// <param name="RenormRadius">RMS radius for conv filters (paper 0.1); null switches renormalisation off (Fig. 6a).</param>
/// <param name="CheckpointEpochs">Epochs after which a model checkpoint is kept (null: the paper's 1, 2, 5, 10, 20,
/// 30, 40, 64 of 70, scaled to <paramref name="Epochs"/>; see <see cref="CheckpointSchedule"/>).</param>
/// <param name="InputScale">Input = (pixels/255 - mean) * InputScale; null = 1/std of the training pixels, 255 = the paper's raw pixel scale (see <see cref="InputNorm"/>).</param>
/// <param name="ChannelsLast">Feed batches with channels-last (NHWC) strides: same numbers, faster convolutions on a CPU
/// (zfnet-cifar training 1.13x, inference 1.8x; see `zfviz bench --channels-last`).</param>
/// <param name="Precision">float32, mixed (bfloat16 compute, float32 master weights and optimizer state) or auto
/// (mixed where <see cref="MixedPrecisionPolicy"/> allows it). Default float32 here; the profile's default is auto.</param>
/// <param name="WeightDecay">L2 weight decay (not stated by ZF; Krizhevsky et al. used 5e-4).</param>
public sealed record TrainingOptions(
    int Epochs = 10,
    int BatchSize = 128,
    double LearningRate = 1e-2,
    double Momentum = 0.9,
    double WeightDecay = 5e-4,
    LrSchedule? Schedule = null,
    InitScheme Init = InitScheme.Kaiming,
    double? RenormRadius = FilterRenorm.PaperRadius,
    bool Augment = true,
    int CropPadding = 4,
    long Seed = 1,
    IReadOnlyList<int>? CheckpointEpochs = null,
    int? EvalBatchSize = null,
    float? InputScale = null,
    bool ChannelsLast = true,
    Precision Precision = Precision.Float32)
{
    public LrSchedule EffectiveSchedule => Schedule ?? new LrSchedule();

    public IReadOnlyList<int> EffectiveCheckpointEpochs => CheckpointEpochs ?? CheckpointSchedule.Scaled(Epochs);

    /// <summary>The profile's sizes: epochs and batch size (crop padding 1/8 of the input side).</summary>
    public static TrainingOptions ForProfile(Profile profile, NetConfig config) => new(
        Epochs: profile.Epochs,
        BatchSize: profile.BatchSize,
        CropPadding: Math.Max(1, config.InputSize / 8),
        Precision: profile.Precision);

    /// <summary>
    /// The options that must not change when a killed run is resumed (everything but the epoch count and how the
    /// arithmetic is done: layout and precision, so that a stored model is not retrained when auto's verdict changes).
    /// </summary>
    internal string ResumeKey()
    {
        var key = System.Text.Json.JsonSerializer.SerializeToNode(this with
        {
            Epochs = 0, CheckpointEpochs = null, EvalBatchSize = null, ChannelsLast = false,
        })!.AsObject();
        // Precision came later and does not change what is trained: leave it out, so the key of a run folder written
        // before it existed still matches (Trainer.Restore compares with the key stored in the state file).
        key.Remove(nameof(Precision));
        return key.ToJsonString();
    }
}
