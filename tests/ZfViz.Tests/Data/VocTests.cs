using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class VocTests
{
    static readonly string[] Ids = ["2008_000002", "2008_000001", "2008_000003"];

    /// <summary>VOC tree: image 0 has a dog and a person, image 1 a difficult-only cat, image 2 a train.</summary>
    static DataFixture VocRoot(Func<string, string?>? overrideClassFile = null)
    {
        var f = new DataFixture();
        foreach (var (id, k) in Ids.Select((id, k) => (id, k))) f.WriteImage($"voc2012/VOCdevkit/VOC2012/JPEGImages/{id}.jpg", k, 12, 10, jpeg: true);
        foreach (var c in Voc.ClassNames)
        {
            string Mark(int i) => (c, i) switch
            {
                ("dog", 0) or ("person", 0) or ("train", 2) => " 1",
                ("cat", 1) => " 0",
                _ => "-1",
            };
            var text = overrideClassFile?.Invoke(c) ?? string.Join("\n", Ids.Select((id, i) => $"{id} {Mark(i)}")) + "\n";
            File.WriteAllText(Path.Combine(f.Dir("voc2012", "VOCdevkit", "VOC2012", "ImageSets", "Main"), $"{c}_train.txt"), text);
        }
        return f;
    }

    [Fact]
    public void MultiHotTargetsAndDifficultMask()
    {
        using var f = VocRoot();
        using var d = Datasets.LoadMultiLabel("voc2012", "train", 8, new DataLoadOptions(DataRoot: f.Root));
        Assert.Equal(new long[] { 3, 3, 8, 8 }, d.Images.shape);
        Assert.Equal(new long[] { 3, 20 }, d.Targets.shape);
        Assert.Equal(Ids, d.ImageIds);
        int dog = 11, person = 14, cat = 7, train = 18;
        var t = d.Targets.data<float>().ToArray();
        var diff = d.Difficult.data<bool>().ToArray();
        Assert.Equal(2f, t[..20].Sum());
        Assert.Equal(1f, t[dog]);
        Assert.Equal(1f, t[person]);
        Assert.Equal(0f, t[20..40].Sum());
        Assert.True(diff[20 + cat]);
        Assert.Equal(1, diff.Count(x => x));
        Assert.Equal(1f, t[40 + train]);
        // Cached reload gives the same targets and ids.
        using var again = Datasets.LoadMultiLabel("voc2012", "train", 8, new DataLoadOptions(DataRoot: f.Root));
        Assert.Equal(t, again.Targets.data<float>().ToArray());
        Assert.Equal(Ids, again.ImageIds);
        Assert.Equal(diff, again.Difficult.data<bool>().ToArray());
    }

    [Fact]
    public void ClassFilesThatDisagreeAreNamed()
    {
        using var f = VocRoot(c => c == "sofa" ? "2008_000002 -1\n2008_000001 -1\n" : null);
        var e = Assert.Throws<UserInputException>(() => Voc.ReadSplit(Voc.Root(f.PathOf("voc2012")), "train"));
        Assert.Contains("sofa_train.txt: lists 2 images but aeroplane_train.txt lists 3", e.Message);
    }

    [Fact]
    public void BadLineIsNamedWithItsNumber()
    {
        using var f = VocRoot(c => c == "bus" ? "2008_000002 -1\n2008_000001 yes\n2008_000003 1\n" : null);
        var e = Assert.Throws<UserInputException>(() => Voc.ReadSplit(Voc.Root(f.PathOf("voc2012")), "train"));
        Assert.Contains("bus_train.txt:2", e.Message);
    }

    [Fact]
    public void MissingImageIsNamed()
    {
        using var f = VocRoot();
        File.Delete(f.PathOf("voc2012/VOCdevkit/VOC2012/JPEGImages/2008_000003.jpg"));
        var e = Assert.Throws<UserInputException>(() => Datasets.LoadMultiLabel("voc2012", "train", 8, new DataLoadOptions(DataRoot: f.Root)));
        Assert.Contains("2008_000003.jpg", e.Message);
    }

    [Fact]
    public void CheckCountsPositivesPerClass()
    {
        using var f = VocRoot();
        var s = Datasets.Check("voc2012", f.Root);
        var train = s.Splits.Single(x => x.Split == "train");
        Assert.Equal(3, train.Count);
        Assert.Equal(1, train.PerClass.Single(c => c.Class == "dog").Count);
        Assert.Equal(0, train.PerClass.Single(c => c.Class == "cat").Count);
        Assert.Contains(s.Problems, p => p.StartsWith("val:"));
    }
}
