using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

public class EnsembleScorerTests
{
    static TrainedModel Untrained(long seed)
    {
        manual_seed(seed);
        var cfg = Presets.ZfNetCifar with { Fc6 = 32, Fc7 = 32 };
        var net = new ConvNet(cfg);
        return new TrainedModel(net, new InputNorm(zeros(3, 32, 32), 1f), 0, new Dictionary<string, string>());
    }

    [Fact]
    public void ScoresEveryEnsembleAsEnsembleEvaluateDoesEvaluatingEachNetworkOnce()
    {
        var a = Untrained(1); var b = Untrained(2); var c = Untrained(3);
        var test = SyntheticData.Gratings(40, 32, 3, 10, seed: 4);
        TrainedModel[][] ensembles = [[a], [b], [a, b], [a, b, c], [c, a]];
        foreach (int? padding in new int?[] { null, 4 })
        {
            using var scorer = new EnsembleScorer(test, batchSize: 16, tenViewPadding: padding);
            foreach (var members in ensembles)
            {
                var kept = scorer.Evaluate(members);
                var fresh = Ensemble.Evaluate(members, test, batchSize: 16, tenViewPadding: padding);
                Assert.Equal(fresh.Top1Error, kept.Top1Error);
                Assert.Equal(fresh.Top5Error, kept.Top5Error);
            }
            Assert.Equal(3, scorer.Evaluated);
            using var direct = Evaluator.Probabilities(b, test, 16, padding);
            Assert.True(direct.allclose(scorer.Probabilities(b), rtol: 0, atol: 0), "kept outputs differ from a fresh evaluation");
            Assert.Same(scorer.Probabilities(b), scorer.Probabilities(b));
        }
    }

    [Fact]
    public void AverageIsTheMeanOfTheMembersOutputs()
    {
        using var p = tensor(new float[] { 0.2f, 0.8f, 0.6f, 0.4f }).view(2, 2);
        using var q = tensor(new float[] { 0.4f, 0.6f, 0.0f, 1.0f }).view(2, 2);
        using var mean = Ensemble.Average([p, q]);
        Assert.Equal(new float[] { 0.3f, 0.7f, 0.3f, 0.7f }, mean.data<float>().ToArray(), (x, y) => Math.Abs(x - y) < 1e-6f);
        Assert.Throws<ArgumentException>(() => Ensemble.Average([]));
    }

    [Fact]
    public void ADisposedScorerRefusesToScore()
    {
        var a = Untrained(5);
        var scorer = new EnsembleScorer(SyntheticData.Gratings(8, 32, 3, 10, seed: 6));
        scorer.Evaluate([a]);
        scorer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => scorer.Evaluate([a]));
    }
}
