using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Tests.Data;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

/// <summary>Training and evaluating on a streamed set gives what the in-memory set gives, also across a kill and a
/// resume, while the trainer never holds more than the reader's bounded number of decoded batches.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class StreamedTrainingTests : IDisposable
{
    readonly DataFixture f = new();
    readonly int threads = get_num_threads();

    public StreamedTrainingTests()
    {
        set_num_threads(1); // bit-reproducible results need a fixed thread count
        int k = 0;
        foreach (var wnid in new[] { "n01440764", "n02102040", "n03000684" })
        {
            for (int i = 0; i < 8; i++, k++) f.WriteImage($"in/train/{wnid}/t{i}.JPEG", k, 40 + (k % 3) * 6, 44 - (k % 2) * 6, jpeg: true);
            for (int i = 0; i < 2; i++, k++) f.WriteImage($"in/val/{wnid}/v{i}.JPEG", k, 42, 38, jpeg: true);
        }
    }

    public void Dispose()
    {
        set_num_threads(threads);
        f.Dispose();
    }

    // Stored at 36 (the paper's 256) and trained on random 32 crops (its 224).
    static readonly ImagePreprocessing Prep = new(36, 36);

    ImageDataset InMemory(string split) => ImageNetFolder.Load(f.PathOf("in"), split, Prep).Data;

    ImageDataset Streamed(string split)
    {
        var (files, labels, synsets) = ImageNetFolder.Scan(f.PathOf("in"), split);
        return new ImageDataset("imagenet", new StreamedImages(files, Prep), tensor(labels.ToArray(), ScalarType.Int64), synsets);
    }

    [Fact]
    public void AStreamedRunKilledAndResumedEqualsAnInMemoryRun()
    {
        var cfg = Presets.ZfNetCifar with { Fc6 = 32, Fc7 = 32 };
        var options = new TrainingOptions(Epochs: 2, BatchSize: 8, Seed: 5, CheckpointEpochs: [1, 2]);
        using var memTrain = InMemory("train");
        using var memVal = InMemory("val");
        using var streamTrain = Streamed("train");
        using var streamVal = Streamed("val");

        var inMemory = Trainer.Run(cfg, memTrain, memVal, options, f.Dir("runs", "memory"));

        var run = f.Dir("runs", "streamed");
        using (var cts = new CancellationTokenSource())
        {
            var stopAfter1 = new SyncProgress(p => { if (p.Phase == "epoch" && p.Epoch == 1) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(cfg, streamTrain, streamVal, options, run, stopAfter1, cancel: cts.Token));
        }
        Assert.Equal(0, streamTrain.Streamed!.BatchesHeld); // the kill freed the batch decoded ahead
        var streamed = Trainer.Run(cfg, streamTrain, streamVal, options, run);
        Assert.Equal(1, streamed.ResumedFromEpoch);

        SameRun.Assert(inMemory, streamed);
        Assert.True(SameRun.Identical(inMemory.Model.Norm.Mean, streamed.Model.Norm.Mean));
        Assert.Equal(inMemory.Model.Norm.Scale, streamed.Model.Norm.Scale);

        // The paper's 10-view test reads the streamed validation set a batch at a time, with the same result.
        using var tenMemory = Evaluator.Probabilities(inMemory.Model, memVal, batchSize: 20, tenViewPadding: 0);
        using var tenStreamed = Evaluator.Probabilities(streamed.Model, streamVal, batchSize: 20, tenViewPadding: 0);
        Assert.True(SameRun.Identical(tenMemory, tenStreamed));

        // Training read 3 batches an epoch; never more than the one in use and the one decoded ahead existed.
        Assert.InRange(streamTrain.Streamed.MaxBatchesHeld, 1, BatchReader.PrefetchDepth + 1);
        Assert.InRange(streamVal.Streamed!.MaxBatchesHeld, 1, BatchReader.PrefetchDepth + 1);
        Assert.Equal(0, streamTrain.Streamed.BatchesHeld);
        inMemory.Model.Dispose();
        streamed.Model.Dispose();
    }
}
