using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// Fashion-MNIST from its canonical IDX files in a folder (plain or .gz): train (60,000) and test (10,000) 28x28
/// greyscale images in 10 classes. Images come out [N,1,28,28]; other sizes or 3 channels go through
/// <see cref="TensorPreprocess"/>.
/// </summary>
public static class FashionMnist
{
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly IReadOnlyList<string> Splits = ["train", "test"];

    /// <summary>The image and label files of a split (the .gz when present, else the plain file).</summary>
    public static (string Images, string Labels) Files(string folder, string split)
    {
        string prefix = split switch
        {
            "train" => "train",
            "test" => "t10k",
            _ => throw new UserInputException($"Fashion-MNIST has splits train and test; got '{split}'."),
        };
        return (Pick(folder, $"{prefix}-images-idx3-ubyte"), Pick(folder, $"{prefix}-labels-idx1-ubyte"));
    }

    static string Pick(string folder, string name)
    {
        var gz = Path.Combine(folder, name + ".gz");
        return File.Exists(gz) ? gz : Path.Combine(folder, name);
    }

    public static ImageDataset Load(string folder, string split, ImagePreprocessing? prep = null)
    {
        var (imagesPath, labelsPath) = Files(folder, split);
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new UserInputException($"{imagesPath}: expected 3 dimensions (count x rows x columns); the header has [{string.Join("x", images.Dimensions)}].");
        if (labels.Dimensions.Length != 1)
            throw new UserInputException($"{labelsPath}: expected 1 dimension (count); the header has [{string.Join("x", labels.Dimensions)}].");
        if (images.Count != labels.Count)
            throw new UserInputException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Count} labels.");
        int bad = Array.FindIndex(labels.Data, l => l >= ClassNames.Count);
        if (bad >= 0)
            throw new UserInputException($"{labelsPath}: label {labels.Data[bad]} at index {bad} is outside 0..{ClassNames.Count - 1}.");

        var t = torch.tensor(images.Data, torch.ScalarType.Byte).reshape(images.Count, 1, images.Dimensions[1], images.Dimensions[2]);
        var y = torch.tensor(labels.Data, torch.ScalarType.Byte).to_type(torch.ScalarType.Int64);
        var data = new ImageDataset("fashion-mnist", t, y, ClassNames);
        return prep is null ? data : TensorPreprocess.Apply(data, prep);
    }
}
