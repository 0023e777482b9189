using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// Features of a <see cref="ConvNet"/> (a preset or a what-if from a config JSON) for many inputs, in batches: the
/// output of one block, flattened to a row per image (e.g. fc7's 384 units, the features Sec. 5.2 trains a new
/// softmax on). What `zfviz features --model NAME|CONFIG.json` writes.
/// </summary>
public static class ConvNetFeatures
{
    /// <summary>The block features default to: the last hidden layer (fc7, else fc6, else the last conv stage).</summary>
    public static string DefaultBlock(ConvNet net) => net.BlockNames[^2]; // a net always has a conv stage and fc8

    /// <summary>Rows [N, D] (CPU, float32) of block <paramref name="block"/> in eval mode; progress hears the images done.</summary>
    public static Tensor FromInputs(ConvNet net, Tensor inputs, string block, int batchSize = 64, Action<int>? progress = null)
    {
        if (!net.BlockNames.Contains(block))
            throw new UserInputException($"{net.Config.Name} has no block '{block}'; it has {string.Join(", ", net.BlockNames)}.", "--layer");
        if (batchSize < 1) throw new UserInputException("must be at least 1.", "--batch-size");
        var device = net.parameters().First().device;
        int n = (int)inputs.shape[0];
        using var eval = new EvalMode(net);
        using var _ = no_grad();
        Tensor? result = null;
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int end = Math.Min(n, start + batchSize);
            var rows = net.ForwardLayers(inputs[start..end].to(device), stopAfter: block)[block].flatten(1).cpu();
            if (result is null)
            {
                result = empty(n, rows.shape[1]);
                result.MoveToOuterDisposeScope();
            }
            result[start..end] = rows;
            progress?.Invoke(end);
        }
        return result!;
    }
}
