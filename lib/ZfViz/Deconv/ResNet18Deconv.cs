using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Models;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Deconv;

/// <summary>One activation of a ResNet-18 stage projected down to pixel space.</summary>
/// <param name="Image">The projection [3,H,W] (CPU, the model's dtype), in the network's input space (BGR channel order for the ImageNet network).</param>
/// <param name="Y">Row of the chosen activation (0 for avgpool).</param>
/// <param name="X">Column of the chosen activation (0 for avgpool).</param>
/// <param name="Value">The activation's value (the signal the projection starts from).</param>
public sealed record ResNet18Projection(Tensor Image, string Stage, int ImageIndex, int Feature, int Y, int X, float Value);

/// <summary>Which activation to project: an image of the batch, a feature map, and a position (null = its strongest).</summary>
public readonly record struct ResNet18Selection(int Image, int Feature, (int Y, int X)? Position = null);

/// <summary>
/// The deconvnet (Zeiler &amp; Fergus 2014, Sec. 2.1) through a <see cref="ResNet18"/>: one activation of a stage
/// (all others set to zero) is sent back down to the pixels.
/// <list type="bullet">
/// <item>Convolution + batch norm: batch norm is folded into the convolution (eval mode, running statistics):
///   bn(conv(x)) = conv with filters W·γ/√(σ²+ε), plus a bias. The way down is the transposed convolution with the
///   folded filters; the folded bias, like the convolution biases in the paper's deconvnet, is not applied.
///   Asymmetric paddings (stem 3/2, stride-2 convolutions 1/0) are undone by cropping what the padding added.</item>
/// <item>ReLU: the ReLU is applied to the signal coming down (at every ReLU of the way up).</item>
/// <item>Residual addition: the signal goes down both branches (the two convolutions and the shortcut: identity
///   or 1x1 convolution) and the two reconstructions are added at the block input.</item>
/// <item>Stem max pool: unpooling with the switches recorded on the way up. Overlapping windows may choose the same
///   input, so unpooling adds (scatter-add) what they send, exactly as the max pool's gradient does, ties included
///   (the switch is the first maximum in scan order, as in libtorch).</item>
/// <item>avgpool: the 512-d feature is a mean over layer4's positions, so its signal is spread evenly over them.</item>
/// </list>
/// The result equals the gradient of the chosen activation (times its value) w.r.t. the input with every ReLU's
/// backward replaced by a ReLU of the incoming gradient; the tests check that against autograd.
/// </summary>
public static class ResNet18Deconv
{
    /// <summary>Projects one activation of one image: input [1,3,H,W] (or [3,H,W]); position null = the feature's strongest activation.</summary>
    public static ResNet18Projection Project(ResNet18 model, Tensor input, string stage, int feature, (int y, int x)? position = null)
    {
        if (input.dim() == 3) input = input.unsqueeze(0);
        if (input.dim() != 4 || input.shape[0] != 1)
            throw new ArgumentException($"Project takes one image [1,3,H,W]; got [{string.Join(",", input.shape)}]. Use ProjectMany for batches.");
        return ProjectMany(model, input, stage, [new ResNet18Selection(0, feature, position is { } p ? (p.y, p.x) : null)])[0];
    }

    /// <summary>
    /// Projects many selections (image index into <paramref name="images"/> [N,3,H,W], feature, position) of one
    /// stage, <paramref name="batchSize"/> selections at a time. Results are in selection order.
    /// </summary>
    public static IReadOnlyList<ResNet18Projection> ProjectMany(ResNet18 model, Tensor images, string stage,
        IReadOnlyList<ResNet18Selection> selections, int batchSize = 16)
    {
        ResNet18.CheckStage(stage);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"images must be [N,3,H,W]; got [{string.Join(",", images.shape)}].");
        ResNet18.CheckInput(images);
        if (batchSize < 1) throw new ArgumentException("batchSize must be at least 1.");
        int channels = ResNet18.StageChannels[stage];
        foreach (var s in selections)
        {
            if (s.Image < 0 || s.Image >= images.shape[0]) throw new ArgumentException($"selection image {s.Image} is outside the batch of {images.shape[0]}.");
            if (s.Feature < 0 || s.Feature >= channels) throw new ArgumentException($"{stage} has features 0..{channels - 1}; got {s.Feature}.");
            if (stage == "avgpool" && s.Position is not null) throw new ArgumentException("avgpool features have no position; pass null.");
        }

        using var eval = new EvalMode(model);
        var device = model.Conv1.weight!.device;
        var results = new List<ResNet18Projection>(selections.Count);
        using var _ = no_grad();
        for (int start = 0; start < selections.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = selections.Skip(start).Take(batchSize).ToList();
            using var idx = tensor(chunk.Select(c => (long)c.Image).ToArray());
            var x = images.index_select(0, idx.to(images.device)).to(model.Conv1.weight!.dtype).to(device);
            var trace = Up(model, x, stage);
            var (seed, points) = Select(trace.Activation, stage, chunk);
            var projection = Down(model, trace, stage, seed).cpu();
            for (int i = 0; i < chunk.Count; i++)
            {
                var p = points[i];
                results.Add(new ResNet18Projection(projection[i].clone().MoveToOuterDisposeScope(), stage, chunk[i].Image, chunk[i].Feature, p.Y, p.X, p.Value));
            }
        }
        return results;
    }

    /// <summary>What the way up records: the stage activation, the stem pool's switches and every map size on the way.</summary>
    sealed class Trace
    {
        public required Tensor Activation;
        public required long[] InputSize;      // [H, W] of the image
        public long[]? Conv1Size;              // stem conv output
        public Tensor? PoolIndices;
        public List<long[]> BlockInputSizes = [];
    }

    static Trace Up(ResNet18 model, Tensor x, string stage)
    {
        var trace = new Trace { Activation = x, InputSize = [x.shape[2], x.shape[3]] };
        var h = model.Stage("conv1").call(x);
        trace.Conv1Size = [h.shape[2], h.shape[3]];
        if (stage == "conv1") { trace.Activation = h; return trace; }
        (h, trace.PoolIndices) = model.Pool1.ForwardWithIndices(h);
        if (stage == "pool1") { trace.Activation = h; return trace; }
        for (int l = 0; l < model.Layers.Count; l++)
        {
            foreach (var block in model.Layers[l])
            {
                trace.BlockInputSizes.Add([h.shape[2], h.shape[3]]);
                h = block.call(h);
            }
            if (stage == $"layer{l + 1}") { trace.Activation = h; return trace; }
        }
        trace.Activation = h; // layer4 maps; avgpool is their mean, handled by Select
        return trace;
    }

    static (Tensor Seed, List<(int Y, int X, float Value)> Points) Select(Tensor a, string stage, List<ResNet18Selection> chunk)
    {
        var seed = zeros_like(a);
        var points = new List<(int, int, float)>();
        long h = a.shape[2], w = a.shape[3];
        for (int i = 0; i < chunk.Count; i++)
        {
            var map = a[i, chunk[i].Feature];
            if (stage == "avgpool")
            {
                float mean = map.mean().item<float>();
                using var share = (mean / (h * w)).ToScalar();
                seed[i, chunk[i].Feature] = full_like(map, share);
                points.Add((0, 0, mean));
                continue;
            }
            int y, x;
            if (chunk[i].Position is { } p)
            {
                if (p.Y < 0 || p.Y >= h || p.X < 0 || p.X >= w)
                    throw new ArgumentException($"position ({p.Y},{p.X}) is outside {stage}'s {h}x{w} maps.");
                (y, x) = (p.Y, p.X);
            }
            else
            {
                long flat = map.flatten().argmax().item<long>(); // first maximum in scan order
                (y, x) = ((int)(flat / w), (int)(flat % w));
            }
            float value = map[y, x].item<float>();
            seed[i, chunk[i].Feature, y, x] = value;
            points.Add((y, x, value));
        }
        return (seed, points);
    }

    static Tensor Down(ResNet18 model, Trace trace, string stage, Tensor s)
    {
        int top = stage switch { "conv1" => -1, "pool1" => 0, "avgpool" => model.Layers.Count, _ => int.Parse(stage["layer".Length..]) };
        int blockIndex = trace.BlockInputSizes.Count;
        for (int l = Math.Min(top, model.Layers.Count) - 1; l >= 0; l--)
            for (int b = model.Layers[l].Count - 1; b >= 0; b--)
                s = ReverseBlock(model, model.Layers[l][b], s, trace.BlockInputSizes[--blockIndex]);
        if (top >= 0) s = Unpool(s, trace.PoolIndices!, trace.Conv1Size!);
        // Stem: ReLU, then the transposed folded 7x7/2 convolution onto the padded image, then drop the padding.
        s = nn.functional.relu(s);
        var pads = ResNet18.Conv1Pads;
        long ph = trace.InputSize[0] + pads.Top + pads.Bottom, pw = trace.InputSize[1] + pads.Left + pads.Right;
        s = TransposedConv(s, Fold(model.Conv1, model.Bn1, model.BatchNormEps), 2, 0, [ph, pw]);
        return s[.., .., pads.Top..(int)(pads.Top + trace.InputSize[0]), pads.Left..(int)(pads.Left + trace.InputSize[1])];
    }

    static Tensor ReverseBlock(ResNet18 model, ResNet18Block block, Tensor s, long[] inputSize)
    {
        double eps = model.BatchNormEps;
        s = nn.functional.relu(s); // the ReLU after the addition
        // Residual branch: conv2/bn2 down, ReLU, conv1/bn1 down.
        var t = TransposedConv(s, Fold(block.Conv2, block.Bn2, eps), 1, 1, [s.shape[2], s.shape[3]]);
        t = nn.functional.relu(t);
        if (block.Pad1 is null)
            t = TransposedConv(t, Fold(block.Conv1, block.Bn1, eps), block.Stride, 1, inputSize);
        else
        {
            var pads = block.Conv1Pads;
            t = TransposedConv(t, Fold(block.Conv1, block.Bn1, eps), block.Stride, 0,
                [inputSize[0] + pads.Top + pads.Bottom, inputSize[1] + pads.Left + pads.Right]);
            t = t[.., .., pads.Top..(int)(pads.Top + inputSize[0]), pads.Left..(int)(pads.Left + inputSize[1])];
        }
        // Shortcut: identity, or the folded 1x1/2 convolution down.
        var shortcut = block.DownsampleConv is null ? s : TransposedConv(s, Fold(block.DownsampleConv, block.DownsampleBn!, eps), block.Stride, 0, inputSize);
        return t.add(shortcut, HeldScalars.One);
    }

    /// <summary>The convolution's filters with the (eval-mode) batch norm folded in: W·γ/√(σ²+ε), per output channel.</summary>
    public static Tensor Fold(Conv2d conv, BatchNorm2d bn, double eps)
    {
        using var epsilon = eps.ToScalar();
        var scale = bn.weight!.detach() / bn.running_var!.detach().add(epsilon, HeldScalars.One).sqrt();
        return conv.weight!.detach() * scale.view(-1, 1, 1, 1);
    }

    /// <summary>Transposed convolution whose output is exactly <paramref name="size"/> (the forward input's size).</summary>
    static Tensor TransposedConv(Tensor s, Tensor weight, long stride, long padding, long[] size)
    {
        long k = weight.shape[2];
        long baseH = (s.shape[2] - 1) * stride - 2 * padding + k, baseW = (s.shape[3] - 1) * stride - 2 * padding + k;
        long oh = size[0] - baseH, ow = size[1] - baseW;
        if (oh < 0 || ow < 0 || oh >= stride && oh > 0 || ow >= stride && ow > 0)
            throw new InvalidOperationException($"cannot map {s.shape[2]}x{s.shape[3]} back to {size[0]}x{size[1]} (stride {stride}, padding {padding}).");
        if (padding == 0 && PolyphaseTransposedConv.Serves(weight, stride, stride, 1))
        {
            // The stem (64 maps to 3 colours, 7x7/2): its output padding is rows and columns no filter tap reaches.
            using var full = PolyphaseTransposedConv.Apply(s, weight, stride, stride);
            return nn.functional.pad(full, [0, ow, 0, oh]);
        }
        return Runtime.Numerics.ConvChannelPadding.ConvTranspose2d(s, weight, [stride, stride], [padding, padding], [oh, ow]); // the numerics guard
    }

    /// <summary>Max unpooling that adds what several windows send to the same input (the max pool's gradient).</summary>
    static Tensor Unpool(Tensor s, Tensor indices, long[] size)
    {
        long n = s.shape[0], c = s.shape[1];
        var flat = zeros(n, c, size[0] * size[1], dtype: s.dtype, device: s.device);
        flat.scatter_add_(2, indices.flatten(2), s.flatten(2));
        return flat.view(n, c, size[0], size[1]);
    }
}
