using TorchSharp;
using ZfViz.Data;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>An ensemble (Table 2: "5 convnets") = the average of the members' softmax outputs.</summary>
public static class Ensemble
{
    public static Tensor Probabilities(IReadOnlyList<TrainedModel> members, ImageDataset data, int batchSize = 256, int? tenViewPadding = null)
    {
        if (members.Count == 0) throw new ArgumentException("An ensemble needs at least one model.");
        var outputs = new List<Tensor>(members.Count);
        try
        {
            // filled in the try: a member that fails to evaluate does not leak the outputs made before it
            foreach (var m in members) outputs.Add(Evaluator.Probabilities(m, data, batchSize, tenViewPadding));
            return Average(outputs);
        }
        finally { foreach (var p in outputs) p.Dispose(); }
    }

    public static EvalResult Evaluate(IReadOnlyList<TrainedModel> members, ImageDataset data, int batchSize = 256, int? tenViewPadding = null)
    {
        using var p = Probabilities(members, data, batchSize, tenViewPadding);
        return Evaluator.Score(p, data.Labels);
    }

    /// <summary>The mean of the members' softmax outputs, summed in the members' order (a new tensor).</summary>
    public static Tensor Average(IReadOnlyList<Tensor> memberProbabilities)
    {
        if (memberProbabilities.Count == 0) throw new ArgumentException("An ensemble needs at least one model.");
        var sum = memberProbabilities[0].clone();
        foreach (var p in memberProbabilities.Skip(1)) sum.add_(p, HeldScalars.One);
        using var count = memberProbabilities.Count.ToScalar();
        return sum.div_(count);
    }

    /// <summary>Loads several checkpoints (e.g. the same preset trained with different seeds).</summary>
    public static IReadOnlyList<TrainedModel> Load(IEnumerable<string> paths) => paths.Select(p => Checkpoint.LoadModel(p)).ToList();
}

/// <summary>
/// Table 2 scores several ensembles of the same few networks. This evaluates each network once on <c>data</c> (one
/// view, or 10 views with <c>tenViewPadding</c>) and keeps its softmax outputs, so an ensemble costs an average,
/// not another pass over the test set. Dispose it to free the kept outputs.
/// </summary>
public sealed class EnsembleScorer(ImageDataset data, int batchSize = 256, int? tenViewPadding = null) : IDisposable
{
    readonly Dictionary<TrainedModel, Tensor> outputs = new(ReferenceEqualityComparer.Instance);

    /// <summary>Top-1/top-5 error of the members' averaged softmax outputs; the same figures as <see cref="Ensemble.Evaluate"/>.</summary>
    public EvalResult Evaluate(IReadOnlyList<TrainedModel> members)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var average = Ensemble.Average(members.Select(Outputs).ToList());
        return Evaluator.Score(average, data.Labels);
    }

    /// <summary>A network's softmax outputs on the data, <c>[images, classes]</c>, computed on first use and kept: the
    /// scorer owns them (do not dispose them), e.g. to weight members differently.</summary>
    public Tensor Probabilities(TrainedModel model)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return Outputs(model);
    }

    /// <summary>How many networks were evaluated so far (each once).</summary>
    public int Evaluated => outputs.Count;

    Tensor Outputs(TrainedModel model)
    {
        if (!outputs.TryGetValue(model, out var p))
        {
            p = Evaluator.Probabilities(model, data, batchSize, tenViewPadding).DetachFromDisposeScope();
            outputs[model] = p;
        }
        return p;
    }

    bool disposed;
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var p in outputs.Values) p.Dispose();
        outputs.Clear();
    }
}
