using TorchSharp;
using ZfViz.Data;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>Softmax outputs and top-1/top-5 errors of a network on a data set (eval mode, no gradients).</summary>
public static class Evaluator
{
    /// <summary>Softmax probabilities [N,K] on the CPU; centre view, or the 10-view average when <paramref name="tenViewPadding"/> is set.
    /// Images larger than the network's input (the paper's 256 for 224) are cropped: the centre window, or with
    /// <paramref name="tenViewPadding"/> set the paper's 10 views (corners, centre, flipped) of the full image, no padding.</summary>
    public static Tensor Probabilities(ConvNet net, InputNorm norm, ImageDataset data, int batchSize = 256, int? tenViewPadding = null)
    {
        using var eval = new EvalMode(net);
        using var _ = no_grad();
        var device = net.parameters().First().device;
        using var mean = norm.Mean.to(device);
        int input = net.Config.InputSize;
        bool larger = data.Height > input;
        var parts = new List<Tensor>();
        // Ten views of a batch are ten times its images: take a tenth as many at a time.
        int step = larger && tenViewPadding is not null ? Math.Max(1, batchSize / TenView.Count) : batchSize;
        // In order, a batch at a time: a streamed set (ILSVRC's val) is decoded from disk one batch ahead, never whole.
        foreach (var batch in BatchReader.Read(data, BatchReader.Sequential(data.Count, step)))
        {
            using var scope = NewDisposeScope();
            var x = Augment.ToFloat(batch.Images, device);
            // The model's mean is input-sized: it is subtracted from each crop.
            if (larger && tenViewPadding is null) x = Augment.CentreCrop(x, input).contiguous();
            if (larger && tenViewPadding is not null)
            {
                long n = x.shape[0];
                var views = TenView.Views(x, input);
                norm.Normalise_(views, mean);
                var probs = nn.functional.softmax(net.forward(ChannelsLast.Of(views)), 1);
                parts.Add(probs.view(TenView.Count, n, -1).mean([0]).cpu().MoveToOuterDisposeScope());
                continue;
            }
            norm.Normalise_(x, mean);
            x = ChannelsLast.Of(x);
            var p = tenViewPadding is { } pad
                ? TenView.AverageProbabilities(net.forward, x, pad)
                : nn.functional.softmax(net.forward(x), 1);
            parts.Add(p.cpu().MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    public static Tensor Probabilities(TrainedModel model, ImageDataset data, int batchSize = 256, int? tenViewPadding = null) =>
        Probabilities(model.Net, model.Norm, data, batchSize, tenViewPadding);

    /// <summary>Loss and errors of probabilities [N,K] against labels [N].</summary>
    public static EvalResult Score(Tensor probabilities, Tensor labels)
    {
        using var scope = NewDisposeScope();
        long n = labels.shape[0];
        if (n == 0) return new EvalResult(0, double.NaN, double.NaN, double.NaN);
        var y = labels.to(probabilities.device);
        using var tiny = 1e-12.ToScalar();
        var loss = -probabilities.clamp_min(tiny).log().gather(1, y.unsqueeze(1)).mean().item<float>();
        var (top1, top5) = TopKErrors(probabilities, y);
        return new EvalResult((int)n, loss, top1, top5);
    }

    /// <summary>Top-1 and top-5 error fractions of scores [N,K] (logits or probabilities) against labels [N].</summary>
    public static (double Top1, double Top5) TopKErrors(Tensor scores, Tensor labels)
    {
        using var scope = NewDisposeScope();
        long n = labels.shape[0];
        int k = (int)Math.Min(5, scores.shape[1]);
        var top = scores.topk(k, 1).indexes;
        var hit = top.eq(labels.unsqueeze(1));
        double top1 = 1 - hit[.., 0].to_type(ScalarType.Float64).sum().item<double>() / n;
        double top5 = 1 - hit.any(1).to_type(ScalarType.Float64).sum().item<double>() / n;
        return (top1, top5);
    }

    public static EvalResult Evaluate(TrainedModel model, ImageDataset data, int batchSize = 256, int? tenViewPadding = null)
    {
        using var p = Probabilities(model, data, batchSize, tenViewPadding);
        return Score(p, data.Labels);
    }
}
