using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ZfViz.IO.Onnx;
using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// Turns photos into the ImageNet ResNet-18's input. Geometry (ours, the package leaves it to the caller): apply
/// the EXIF orientation, resize so the shorter side is 256 (bilinear), centre-crop 224x224. Then the package's own
/// preprocessing graph (ResNetPreprocess.onnx), read from the file and checked: Split the RGB channels, Concat them as
/// B,G,R, and Sub a 224x224 per-pixel mean image (in BGR order) from the 0..255 values.
/// </summary>
public sealed class ResNet18Preprocessing : IDisposable
{
    public const int ResizeTo = 256;
    public const int CropTo = ResNet18.InputSize;

    /// <summary>The mean image [3,224,224], channels in B,G,R order, 0..255 scale.</summary>
    public Tensor MeanImageBgr { get; }

    ResNet18Preprocessing(Tensor meanImageBgr) => MeanImageBgr = meanImageBgr;

    /// <summary>Reads the mean image from the package's preprocessing graph (or the given file).</summary>
    public static ResNet18Preprocessing Load(string? prepOnnxPath = null)
    {
        var path = prepOnnxPath ?? ResNet18Package.PreprocessOnnx();
        var graph = OnnxModel.Load(path).Graph;
        InvalidDataException Bad(string what) => new($"{path}: not the expected ResNet preprocessing graph: {what}.");
        var ops = string.Join(",", graph.Nodes.Select(n => n.OpType));
        if (ops != "Split,Concat,Sub") throw Bad($"operators {ops}, expected Split,Concat,Sub");
        var (split, concat, sub) = (graph.Nodes[0], graph.Nodes[1], graph.Nodes[2]);
        if (graph.Inputs.Count != 1 || split.Inputs[0] != graph.Inputs[0].Name) throw Bad("the Split does not read the graph input");
        if (split.Int("axis", 0) != 1 || concat.Int("axis", -1) != 1) throw Bad("Split/Concat not along the channel axis");
        if (split.Outputs.Count != 3 || !concat.Inputs.SequenceEqual(split.Outputs.Reverse())) throw Bad("the Concat does not reverse the three channels");
        if (sub.Inputs[0] != concat.Outputs[0]) throw Bad("the Sub does not read the reordered image");
        var mean = graph.Initializer(sub.Inputs[1], "mean image");
        if (!mean.Dims.SequenceEqual([1L, 3, CropTo, CropTo])) throw Bad($"mean image [{string.Join(",", mean.Dims)}], expected [1,3,224,224]");
        return new ResNet18Preprocessing(tensor(mean.ToFloats(), [3, CropTo, CropTo]));
    }

    /// <summary>RGB 0..255 images [N,3,224,224] (or [3,224,224]) -> network input: BGR minus the mean image.</summary>
    public Tensor Apply(Tensor rgb)
    {
        if (rgb.dim() < 3 || rgb.shape[^3] != 3 || rgb.shape[^2] != CropTo || rgb.shape[^1] != CropTo)
            throw new ArgumentException($"expected RGB images [N,3,224,224]; got [{string.Join(",", rgb.shape)}].");
        using var mean = MeanImageBgr.to(rgb.device);
        return rgb.flip(-3) - mean;
    }

    /// <summary>One photo file -> network input [3,224,224].</summary>
    public Tensor FromFile(string path)
    {
        using var rgb = LoadRgb(path);
        return Apply(rgb);
    }

    /// <summary>
    /// A photo as RGB float [3,224,224] in 0..255 after orientation, shorter side to 256 and centre crop.
    /// Files that are not images raise <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static Tensor LoadRgb(string path)
    {
        IO.InputFile.CheckExists(path, "image");
        Image<Rgb24> image;
        var bytes = File.ReadAllBytes(path);
        Data.JpegCompleteness.Check(bytes, path);
        try
        {
            image = Image.Load<Rgb24>(bytes);
        }
        catch (UnknownImageFormatException)
        {
            throw new UserInputException($"{path}: not an image (no JPEG, PNG, BMP, GIF, WebP, TIFF, TGA or PBM header).");
        }
        catch (Exception e) when (e is InvalidImageContentException or NotSupportedException or ImageFormatException)
        {
            throw new UserInputException($"{path}: corrupt or unsupported image ({e.Message.Split('\n')[0].Trim()}).");
        }
        using (image)
        {
            image.Mutate(c => c.AutoOrient());
            int w = image.Width, h = image.Height, shorter = Math.Min(w, h);
            int nw = (int)Math.Round((double)w * ResizeTo / shorter), nh = (int)Math.Round((double)h * ResizeTo / shorter);
            image.Mutate(c => c
                .Resize(new ResizeOptions { Size = new SixLabors.ImageSharp.Size(nw, nh), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch })
                .Crop(new Rectangle((nw - CropTo) / 2, (nh - CropTo) / 2, CropTo, CropTo)));
            var pixels = new byte[CropTo * CropTo * 3];
            image.CopyPixelDataTo(pixels);
            using var hwc = tensor(pixels, [CropTo, CropTo, 3]);
            return hwc.permute(2, 0, 1).to_type(ScalarType.Float32).contiguous();
        }
    }

    public void Dispose() => MeanImageBgr.Dispose();
}
