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
        Tensor? sum = null;
        foreach (var m in members)
        {
            using var p = Evaluator.Probabilities(m, data, batchSize, tenViewPadding);
            if (sum is null) sum = p.clone(); else sum.add_(p, HeldScalars.One);
        }
        using var count = members.Count.ToScalar();
        return sum!.div_(count);
    }

    public static EvalResult Evaluate(IReadOnlyList<TrainedModel> members, ImageDataset data, int batchSize = 256, int? tenViewPadding = null)
    {
        using var p = Probabilities(members, data, batchSize, tenViewPadding);
        return Evaluator.Score(p, data.Labels);
    }

    /// <summary>Loads several checkpoints (e.g. the same preset trained with different seeds).</summary>
    public static IReadOnlyList<TrainedModel> Load(IEnumerable<string> paths) => paths.Select(p => Checkpoint.LoadModel(p)).ToList();
}
