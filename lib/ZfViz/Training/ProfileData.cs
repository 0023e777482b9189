using ZfViz.Data;

namespace ZfViz.Training;

/// <summary>
/// The data a profile's networks train and are analysed on (chosen by <see cref="ProfileModels.Data"/>): CIFAR-10 at
/// 32 pixels, or ImageNet-style photos (ILSVRC-2012, Imagenette, or the paper-smoke profile's generated photos) kept
/// as 256-pixel squares for training and 10-view testing and as 224-pixel centre crops for the analyses. A split too
/// large for memory (ILSVRC-2012's; <see cref="StreamingPolicy"/>) comes back streamed: paths and labels, decoded a
/// batch at a time by the trainer and the evaluator.
/// </summary>
/// <param name="Name">Short name, part of run folder names: cifar10, imagenet, imagenette, paper-smoke.</param>
/// <param name="DataSet">The registry's data set (<see cref="Datasets"/>) it is loaded through.</param>
/// <param name="DataRoot">Its data root (null: $ZFVIZ_DATA's).</param>
/// <param name="Classes">Number of classes (the networks' fc8 width).</param>
/// <param name="InputSize">The network input side: 32 or 224.</param>
/// <param name="Note">One line for the reader: what was found and chosen.</param>
public sealed record ProfileData(string Name, string DataSet, string? DataRoot, int Classes, int InputSize, string Note)
{
    /// <summary>True for photos at 224 (trained from 256 squares), false for CIFAR-10 at 32.</summary>
    public bool Photos => DataSet != "cifar10";

    /// <summary>The stored side of training and 10-view test images: 256 for photos (the paper's resize), else the input.</summary>
    public int TrainingSize => Photos ? (int)Math.Round(InputSize * 256.0 / 224.0) : InputSize;

    /// <summary>"train" or "test" at <see cref="TrainingSize"/> (ImageNet's test split is "val").</summary>
    public ImageDataset ForTraining(string split) => Photos
        ? Datasets.Load(DataSet, Split(split), TrainingSize, new DataLoadOptions(ResizeShorter: TrainingSize, DataRoot: DataRoot))
        : Datasets.Load(DataSet, split, InputSize);

    /// <summary>"train" or "test" at the network's input size: the centre crop of the 256 resize, as the paper tests one view.</summary>
    public ImageDataset ForAnalysis(string split) => Photos
        ? Datasets.Load(DataSet, Split(split), InputSize, new DataLoadOptions(DataRoot: DataRoot))
        : Datasets.Load(DataSet, split, InputSize);

    static string Split(string split) => split switch
    {
        "train" => "train",
        "test" or "val" => "val",
        _ => throw new UserInputException($"Unknown split '{split}'; use train or test."),
    };
}
