namespace ZfViz.Training;

/// <summary>
/// One line of a run's metrics.jsonl. Errors are fractions (0..1). Train figures are averaged over the epoch's
/// mini-batches as trained (augmented, dropout on); validation figures use the centre view, dropout off.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainTop1Error,
    double TrainTop5Error,
    double? ValLoss,
    double? ValTop1Error,
    double? ValTop5Error,
    double Seconds,
    double ImagesPerSecond,
    long RenormalisedFilters);
