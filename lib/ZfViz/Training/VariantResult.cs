using ZfViz.Models;

namespace ZfViz.Training;

/// <summary>
/// One trained variant: its size and its errors (fractions). <see cref="TrainTop1Error"/> is measured after training,
/// on the training images, centre view and dropout off (the paper's "train error"), not the running figure of the
/// last epoch. <see cref="Loaded"/>: the run folder already held the trained model.
/// </summary>
public sealed record VariantResult(string Label, NetConfig Config, long Parameters, double TrainTop1Error,
    double ValTop1Error, double ValTop5Error, double TrainSeconds, bool Loaded);
