using ZfViz.Data;

namespace ZfViz.Tests.Data;

/// <summary>The ILSVRC-2012 folder loader on tiny trees built here: foldered and flat validation, and bad layouts.</summary>
public class ImageNetFolderTests
{
    const string A = "n01440764", B = "n02102040", C = "n03000684";

    static DataFixture Train()
    {
        var f = new DataFixture();
        f.WriteImage($"in/train/{B}/b1.png", 1, 4, 4);
        f.WriteImage($"in/train/{A}/a1.png", 2, 4, 4);
        f.WriteImage($"in/train/{A}/a2.png", 3, 4, 4);
        f.WriteImage($"in/train/{C}/c1.png", 4, 4, 4);
        return f;
    }

    [Fact]
    public void TrainLabelsAreTheWnidsPositionsInOrdinalOrder()
    {
        using var f = Train();
        var r = ImageNetFolder.Load(f.PathOf("in"), "train", new ImagePreprocessing(4));
        using var d = r.Data;
        Assert.Equal(new[] { A, B, C }, d.ClassNames);
        Assert.Equal(new long[] { 0, 0, 1, 2 }, d.Labels.data<long>().ToArray());
        Assert.Equal(DataFixture.Pixel(2, 1, 0).R, d.Images[0, 0, 0, 1].item<byte>()); // a1.png first
    }

    [Fact]
    public void FolderedValidationUsesTheTrainingClassIndex()
    {
        using var f = Train();
        f.WriteImage($"in/val/{C}/v1.png", 5, 4, 4);
        f.WriteImage($"in/val/{A}/v2.png", 6, 4, 4);
        var (files, labels, _) = ImageNetFolder.Scan(f.PathOf("in"), "val");
        Assert.Equal(new[] { "v2.png", "v1.png" }, files.Select(Path.GetFileName));
        Assert.Equal(new long[] { 0, 2 }, labels);
    }

    [Theory]
    [InlineData("val_labels.txt", "ILSVRC2012_val_00000002.png n03000684\nILSVRC2012_val_00000001.png n01440764\n")]
    [InlineData("val.txt", "ILSVRC2012_val_00000001.png 0\nILSVRC2012_val_00000002.png 2\n")]
    [InlineData("LOC_val_solution.csv", "ImageId,PredictionString\nILSVRC2012_val_00000001.png,n01440764 1 2 3 4\nILSVRC2012_val_00000002.png,n03000684 5 6 7 8 n03000684 1 1 2 2\n")]
    public void FlatValidationIsLabelledByTheListBesideIt(string listName, string list)
    {
        using var f = Train();
        f.WriteImage("in/val/ILSVRC2012_val_00000001.png", 5, 4, 4);
        f.WriteImage("in/val/ILSVRC2012_val_00000002.png", 6, 4, 4);
        f.Write($"in/{listName}", System.Text.Encoding.UTF8.GetBytes(list));
        var (files, labels, _) = ImageNetFolder.Scan(f.PathOf("in"), "val");
        Assert.Equal(new[] { "ILSVRC2012_val_00000001.png", "ILSVRC2012_val_00000002.png" }, files.Select(Path.GetFileName));
        Assert.Equal(new long[] { 0, 2 }, labels);
    }

    [Fact]
    public void AValidationClassWithoutASynsetFolderIsAnError()
    {
        using var f = Train();
        f.WriteImage("in/val/n09999999/v.png", 5, 4, 4);
        var e = Assert.Throws<UserInputException>(() => ImageNetFolder.Scan(f.PathOf("in"), "val"));
        Assert.Contains("no synset folder train/n09999999", e.Message);
    }

    [Theory]
    [InlineData("ILSVRC2012_val_00000001.png n01440764\nILSVRC2012_val_00000003.png n01440764\n", "lists ILSVRC2012_val_00000003.png, which is not in")]
    [InlineData("ILSVRC2012_val_00000001.png n01440764\n", "ILSVRC2012_val_00000002.png is not in it")]
    [InlineData("ILSVRC2012_val_00000001.png n01440764\nILSVRC2012_val_00000002.png n09999999\n", "labelled n09999999, which has no synset folder")]
    [InlineData("ILSVRC2012_val_00000001.png 0\nILSVRC2012_val_00000002.png 3\n", "neither a wnid nor a class index 0..2")]
    [InlineData("ILSVRC2012_val_00000001.png\n", "expected 'FILE WNID' or 'FILE INDEX'")]
    public void ALabelListThatDisagreesWithTheFilesIsAnErrorNamingBoth(string list, string expected)
    {
        using var f = Train();
        f.WriteImage("in/val/ILSVRC2012_val_00000001.png", 5, 4, 4);
        f.WriteImage("in/val/ILSVRC2012_val_00000002.png", 6, 4, 4);
        var listPath = f.Write("in/val_labels.txt", System.Text.Encoding.UTF8.GetBytes(list));
        var e = Assert.Throws<UserInputException>(() => ImageNetFolder.Scan(f.PathOf("in"), "val"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(listPath, e.Subject);
    }

    [Fact]
    public void MissingPiecesAreNamed()
    {
        using var f = Train();
        var noList = Assert.Throws<UserInputException>(() =>
        {
            f.WriteImage("in/val/x.png", 5, 4, 4);
            return ImageNetFolder.Scan(f.PathOf("in"), "val");
        });
        Assert.Contains("no label list", noList.Message);
        using var g = new DataFixture();
        g.WriteImage("in/train/cats/x.png", 1, 4, 4);
        Assert.Contains("'cats' is not a WordNet id", Assert.Throws<UserInputException>(() => ImageNetFolder.Synsets(g.PathOf("in"))).Message);
        Assert.Contains("no train/ folder", Assert.Throws<UserInputException>(() => ImageNetFolder.Synsets(g.PathOf("nothing"))).Message);
        Assert.Contains("splits train and val", Assert.Throws<UserInputException>(() => ImageNetFolder.Scan(f.PathOf("in"), "test")).Message);
    }
}
