using TorchSharp.Modules;
using ZfViz.IO.Onnx;
using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// Builds a <see cref="ResNet18"/> from the package's ONNX graph. The graph is followed by structure, not by the
/// exporter's generated names (Parameter91, Convolution249, ...): from the graph input, Conv -> BatchNormalization
/// -> Relu -> MaxPool, then residual blocks until the AveragePool, each found as the convolutions reading the block
/// input (a 3x3 one and, for a downsampling block, a 1x1 one), Conv -> BN -> Relu -> Conv -> BN -> Add(shortcut) ->
/// Relu. A downsampling block starts a new layer; the package's file has 2,2,2,3 blocks. Every convolution's kernel, stride, padding and group count and every batch norm's epsilon are
/// checked against the module's layout, so a different file fails loudly instead of loading wrongly.
/// BatchNormalization inputs are (X, scale, bias, mean, var) -> bn.weight, bn.bias, running_mean, running_var.
/// </summary>
public static class ResNet18Onnx
{
    public static ResNet18 Load(string path)
    {
        var model = OnnxModel.Load(path);
        return Build(model.Graph, path);
    }

    public static ResNet18 Build(OnnxGraph graph, string path)
    {
        var reader = new GraphWalker(graph, path);
        if (graph.Inputs.Count != 1) throw reader.Error($"expected one image input, found {graph.Inputs.Count}");
        var input = graph.Inputs[0];
        if (input.Shape.Count != 4 || input.Shape[1] != 3)
            throw reader.Error($"expected an input [N,3,H,W], found {input}");

        float eps = -1;
        var loads = new List<Action<ResNet18>>();

        // Stem.
        var conv1 = reader.Single(input.Name, "Conv");
        reader.CheckConv(conv1, kernel: 7, stride: 2, pads: [3, 3, 2, 2]);
        var bn1 = reader.Single(conv1.Outputs[0], "BatchNormalization");
        eps = reader.Epsilon(bn1);
        var relu1 = reader.Single(bn1.Outputs[0], "Relu");
        var pool = reader.Single(relu1.Outputs[0], "MaxPool");
        reader.CheckPool(pool);
        loads.Add(m => { reader.LoadConv(conv1, m.Conv1); reader.LoadBn(bn1, m.Bn1); });

        // Residual blocks, until the AveragePool reads the current value.
        string current = pool.Outputs[0];
        var blocksPerLayer = new List<int> { 0 };
        while (!graph.Consumers(current).Any(n => n.OpType == "AveragePool"))
        {
            var convs = reader.Consumers(current, "Conv");
            var ds = convs.SingleOrDefault(c => reader.Kernel(c) == 1);
            bool downsample = ds is not null;
            if (downsample) blocksPerLayer.Add(0);
            int l = blocksPerLayer.Count - 1, b = blocksPerLayer[l]++;
            if (l > 3) throw reader.Error("more than four stages");
            var c1 = convs.SingleOrDefault(c => reader.Kernel(c) == 3) ?? throw reader.Error($"block layer{l + 1}.{b}: no 3x3 Conv reads {current}");
            if (convs.Count != (downsample ? 2 : 1))
                throw reader.Error($"block layer{l + 1}.{b}: expected {(downsample ? "a 3x3 and a 1x1" : "one 3x3")} Conv reading {current}, found {convs.Count}");
            reader.CheckConv(c1, 3, downsample ? 2 : 1, downsample ? [1, 1, 0, 0] : [1, 1, 1, 1]);
            var b1 = reader.Single(c1.Outputs[0], "BatchNormalization");
            var r1 = reader.Single(b1.Outputs[0], "Relu");
            var c2 = reader.Single(r1.Outputs[0], "Conv");
            reader.CheckConv(c2, 3, 1, [1, 1, 1, 1]);
            var b2 = reader.Single(c2.Outputs[0], "BatchNormalization");
            var add = reader.Single(b2.Outputs[0], "Add");
            string shortcut = add.Inputs.Single(i => i != b2.Outputs[0]);
            OnnxNode? dsBn = null;
            if (ds is not null)
            {
                reader.CheckConv(ds, 1, 2, [0, 0, 0, 0]);
                dsBn = reader.Single(ds.Outputs[0], "BatchNormalization");
                if (shortcut != dsBn.Outputs[0]) throw reader.Error($"block layer{l + 1}.{b}: the Add does not read the downsampling branch");
            }
            else if (shortcut != current) throw reader.Error($"block layer{l + 1}.{b}: the Add does not read the block input");
            foreach (var bn in new[] { b1, b2, dsBn }) if (bn is not null && Math.Abs(reader.Epsilon(bn) - eps) > 1e-12) throw reader.Error("batch norms differ in epsilon");
            var relu = reader.Single(add.Outputs[0], "Relu");
            current = relu.Outputs[0];
            loads.Add(m =>
            {
                var blk = m.Layers[l][b];
                reader.LoadConv(c1, blk.Conv1);
                reader.LoadBn(b1, blk.Bn1);
                reader.LoadConv(c2, blk.Conv2);
                reader.LoadBn(b2, blk.Bn2);
                if (ds is not null)
                {
                    reader.LoadConv(ds, blk.DownsampleConv!);
                    reader.LoadBn(dsBn!, blk.DownsampleBn!);
                }
            });
        }
        if (blocksPerLayer.Count != 4 || blocksPerLayer.Contains(0))
            throw reader.Error($"expected four stages of residual blocks, found [{string.Join(",", blocksPerLayer)}]");
        var avg = reader.Single(current, "AveragePool");
        if (!graph.Outputs.Any(o => o.Name == avg.Outputs[0])) throw reader.Error("the AveragePool is not the graph output");

        var net = new ResNet18(blocksPerLayer, eps);
        using (no_grad())
            foreach (var load in loads) load(net);
        net.eval();
        return net;
    }

    sealed class GraphWalker(OnnxGraph graph, string path)
    {
        public InvalidDataException Error(string what) => new($"{path}: not the expected ResNet-18 graph: {what}.");

        public List<OnnxNode> Consumers(string value, string op) => graph.Consumers(value).Where(n => n.OpType == op).ToList();

        public OnnxNode Single(string value, string op)
        {
            var all = graph.Consumers(value);
            if (all.Count != 1 && op != "Conv" && op != "Add")
                throw Error($"expected exactly one {op} reading '{value}', found {string.Join(", ", all)}");
            var found = all.Where(n => n.OpType == op).ToList();
            if (found.Count != 1) throw Error($"expected one {op} reading '{value}', found {(all.Count == 0 ? "none" : string.Join(", ", all))}");
            return found[0];
        }

        public long Kernel(OnnxNode conv) => WeightTensor(conv).Dims[2];

        OnnxTensor WeightTensor(OnnxNode conv) => graph.Initializer(conv.Inputs[1], $"weight of {conv}");

        public void CheckConv(OnnxNode conv, int kernel, int stride, long[] pads)
        {
            var w = WeightTensor(conv);
            if (conv.Inputs.Count != 2) throw Error($"{conv} has a bias input (the module's convolutions have none)");
            if (w.Dims.Length != 4 || w.Dims[2] != kernel || w.Dims[3] != kernel) throw Error($"{conv}: weight [{string.Join(",", w.Dims)}], expected a {kernel}x{kernel} kernel");
            if (!conv.Ints("strides").SequenceEqual([stride, stride])) throw Error($"{conv}: strides [{string.Join(",", conv.Ints("strides"))}], expected [{stride},{stride}]");
            var p = conv.Ints("pads", [0, 0, 0, 0]);
            if (!p.SequenceEqual(pads)) throw Error($"{conv}: pads [{string.Join(",", p)}], expected [{string.Join(",", pads)}]");
            if (conv.Int("group", 1) != 1) throw Error($"{conv}: grouped convolution");
            if (!conv.Ints("dilations", [1, 1]).SequenceEqual([1L, 1L])) throw Error($"{conv}: dilated convolution");
            if (conv.String("auto_pad") is { } ap && ap != "NOTSET") throw Error($"{conv}: auto_pad {ap}");
        }

        public void CheckPool(OnnxNode pool)
        {
            if (!pool.Ints("kernel_shape").SequenceEqual([3L, 3L]) || !pool.Ints("strides").SequenceEqual([2L, 2L]) || !pool.Ints("pads", [0, 0, 0, 0]).SequenceEqual([1L, 1L, 0L, 0L]))
                throw Error($"{pool}: expected a 3x3 stride-2 max pool with pads [1,1,0,0]");
        }

        public float Epsilon(OnnxNode bn) => bn.Float("epsilon", 1e-5f);

        Tensor Load(string name, string what, long[] expectedShape)
        {
            var t = graph.Initializer(name, what);
            if (!t.Dims.SequenceEqual(expectedShape))
                throw Error($"{what} '{name}' has shape [{string.Join(",", t.Dims)}], the module expects [{string.Join(",", expectedShape)}]");
            return tensor(t.ToFloats(), t.Dims);
        }

        public void LoadConv(OnnxNode conv, Conv2d into)
        {
            using var w = Load(conv.Inputs[1], $"weight of {conv}", into.weight!.shape);
            into.weight!.copy_(w);
        }

        public void LoadBn(OnnxNode bn, BatchNorm2d into)
        {
            if (bn.Inputs.Count != 5) throw Error($"{bn} has {bn.Inputs.Count} inputs, expected 5");
            long[] shape = [into.weight!.shape[0]];
            using var scale = Load(bn.Inputs[1], $"scale of {bn}", shape);
            using var bias = Load(bn.Inputs[2], $"bias of {bn}", shape);
            using var mean = Load(bn.Inputs[3], $"mean of {bn}", shape);
            using var variance = Load(bn.Inputs[4], $"variance of {bn}", shape);
            into.weight!.copy_(scale);
            into.bias!.copy_(bias);
            into.running_mean!.copy_(mean);
            into.running_var!.copy_(variance);
        }
    }
}
