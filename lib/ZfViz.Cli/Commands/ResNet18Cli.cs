using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

/// <summary>
/// What the project and top9 commands share for <c>--model resnet18-imagenet</c>: the network with the NuGet
/// package's weights (loaded once per process), and the checks on stage, feature and input.
/// </summary>
public static class ResNet18Cli
{
    public const string ModelName = "resnet18-imagenet";
    /// <summary>Stages --layer may name: the spatial ones (avgpool has no positions).</summary>
    public static readonly IReadOnlyList<string> Stages = ResNet18.StageNames.Where(s => s != "avgpool").ToList();
    /// <summary>The stages of a sheet run when --layers is not given: the paper's five layers' counterparts.</summary>
    public static readonly IReadOnlyList<string> DefaultSheetStages = ["conv1", "layer1", "layer2", "layer3", "layer4"];

    static readonly Lazy<ResNet18> model = new(() => ResNet18.LoadImageNet());
    public static ResNet18 Model => model.Value;

    public static bool IsResNet(string preset) => string.Equals(preset, ModelName, StringComparison.OrdinalIgnoreCase);

    public static void CheckNoWeights(string? weights)
    {
        if (weights is not null)
            throw new UserInputException($"--weights: {ModelName} uses the weights from its NuGet package (Microsoft.ML.DnnImageFeaturizer.ResNet18); leave --weights out.");
    }

    public static void CheckStage(string stage)
    {
        if (!Stages.Contains(stage))
            throw new UserInputException($"--layer {stage}: {ModelName} has stages {string.Join(", ", Stages)}.");
    }

    public static void CheckStageAndFeature(string stage, int feature)
    {
        CheckStage(stage);
        int channels = ResNet18.StageChannels[stage];
        if (feature < 0 || feature >= channels)
            throw new UserInputException($"--feature {feature}: {stage} has feature maps 0..{channels - 1}.");
    }

    /// <summary>The network's own preprocessed input: float32 [N,3,224,224] (N = 1 when <paramref name="single"/>).</summary>
    public static void CheckInput(Tensor x, string source, bool single)
    {
        if (x.dtype != ScalarType.Float32) throw new UserInputException($"{source}: expected float32; got {x.dtype}.");
        if (x.dim() != 4 || x.shape[0] < 1 || (single && x.shape[0] != 1) || x.shape[1] != 3 || x.shape[2] != ResNet18.InputSize || x.shape[3] != ResNet18.InputSize)
            throw new UserInputException($"{source}: {ModelName} expects its preprocessed input (BGR minus the mean image) [{(single ? "1" : "N")},3,224,224]; got [{string.Join(",", x.shape)}].");
    }
}
