namespace ZfViz.Training;

/// <summary>
/// Layout of a training run folder:
/// <c>config.json</c> (NetConfig), <c>options.json</c>, <c>metrics.jsonl</c>, <c>state.safetensors</c> (latest
/// resumable state, rewritten each epoch), <c>checkpoints/epoch-NNN.safetensors</c> (kept epochs, for Fig. 4),
/// <c>model.safetensors</c> (final model, written when the run completes), <c>trained-on.txt</c> (the training set asked
/// for, when the model store trained it).
/// </summary>
public static class RunFiles
{
    public static string Config(string run) => Path.Combine(run, "config.json");
    public static string Options(string run) => Path.Combine(run, "options.json");
    public static string Metrics(string run) => Path.Combine(run, MetricsLog.FileName);
    public static string State(string run) => Path.Combine(run, "state.safetensors");
    public static string FinalModel(string run) => Path.Combine(run, "model.safetensors");
    /// <summary>What the run was asked to train on (data set and image count), written by <see cref="ModelStore.LoadOrTrain"/>.</summary>
    public static string TrainedOn(string run) => Path.Combine(run, "trained-on.txt");
    public static string CheckpointDir(string run) => Path.Combine(run, "checkpoints");
    public static string EpochCheckpoint(string run, int epoch) => Path.Combine(CheckpointDir(run), $"epoch-{epoch:D3}.safetensors");

    /// <summary>The kept epoch checkpoints of a run, in epoch order (temp files from an interrupted write are skipped).</summary>
    public static IReadOnlyList<(int Epoch, string Path)> EpochCheckpoints(string run)
    {
        var dir = CheckpointDir(run);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "epoch-*.safetensors")
            .Select(p => (Epoch: int.TryParse(System.IO.Path.GetFileNameWithoutExtension(p)["epoch-".Length..], out var e) ? e : -1, Path: p))
            .Where(t => t.Epoch >= 0).OrderBy(t => t.Epoch).ToList();
    }
}
