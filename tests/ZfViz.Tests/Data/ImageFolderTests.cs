using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class ImageFolderTests
{
    [Fact]
    public void ClassesInNameOrderAndExactPngPixels()
    {
        using var f = new DataFixture();
        f.WriteImage("set/zebra/b.png", 3, 4, 4);
        f.WriteImage("set/zebra/a.png", 2, 4, 4);
        f.WriteImage("set/ant/x.png", 1, 4, 4);
        var r = ImageFolder.Load(f.PathOf("set"), new ImagePreprocessing(4));
        using var d = r.Data;
        Assert.Equal(new[] { "ant", "zebra" }, d.ClassNames);
        Assert.Equal(new long[] { 0, 1, 1 }, d.Labels.data<long>().ToArray());
        Assert.Empty(r.Skipped);
        // Order: ant/x (k=1), zebra/a (k=2), zebra/b (k=3); every pixel exact (PNG is lossless, no resize).
        int[] ks = [1, 2, 3];
        for (int n = 0; n < 3; n++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++)
                {
                    var p = DataFixture.Pixel(ks[n], x, y);
                    Assert.Equal(p.R, d.Images[n, 0, y, x].item<byte>());
                    Assert.Equal(p.G, d.Images[n, 1, y, x].item<byte>());
                    Assert.Equal(p.B, d.Images[n, 2, y, x].item<byte>());
                }
    }

    [Fact]
    public void CorruptAndNonImageFilesAreSkippedAndCounted()
    {
        using var f = new DataFixture();
        f.WriteImage("set/a/1.png", 1, 4, 4);
        f.WriteImage("set/a/2.jpg", 2, 4, 4, jpeg: true);
        var corrupt = f.Write("set/a/3.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var text = f.Write("set/b/notes.txt", "hello"u8.ToArray());
        var fake = f.Write("set/b/fake.png", "not a png at all"u8.ToArray());
        f.WriteImage("set/b/ok.png", 4, 4, 4);
        f.Write("set/b/.DS_Store", [0]);
        var r = ImageFolder.Load(f.PathOf("set"), new ImagePreprocessing(4));
        using var d = r.Data;
        Assert.Equal(3, d.Count);
        Assert.Equal(new long[] { 0, 0, 1 }, d.Labels.data<long>().ToArray());
        Assert.Equal(new[] { text, corrupt, fake }.Order(), r.Skipped.Select(s => s.Path).Order());
        Assert.Contains("not an image", r.Skipped.Single(s => s.Path == text).Reason);
        Assert.Contains("not decodable", r.Skipped.Single(s => s.Path == fake).Reason);
        // The PNG after the skipped files keeps its own pixels.
        Assert.Equal(DataFixture.Pixel(4, 2, 1).G, d.Images[2, 1, 1, 2].item<byte>());
    }

    [Fact]
    public void EmptyClassFolderNamesIt()
    {
        using var f = new DataFixture();
        f.WriteImage("set/a/1.png", 1, 4, 4);
        f.Dir("set", "empty");
        var e = Assert.Throws<UserInputException>(() => ImageFolder.Load(f.PathOf("set"), new ImagePreprocessing(4)));
        Assert.Contains(Path.Combine("set", "empty"), e.Message);
        Assert.Contains("has no image files", e.Message);
    }

    [Fact]
    public void ClassWithOnlyCorruptFilesIsAnError()
    {
        using var f = new DataFixture();
        f.WriteImage("set/a/1.png", 1, 4, 4);
        f.Write("set/b/1.jpg", [1, 2, 3]);
        var e = Assert.Throws<UserInputException>(() => ImageFolder.Load(f.PathOf("set"), new ImagePreprocessing(4)));
        Assert.Contains("none of the 1 files of class 'b'", e.Message);
    }

    [Fact]
    public void MissingRootNamesIt()
    {
        var e = Assert.Throws<UserInputException>(() => ImageFolder.Load("/no/such/zfviz/folder", new ImagePreprocessing(4)));
        Assert.Contains("/no/such/zfviz/folder", e.Message);
    }

    [Fact]
    public void ExcludedClassesAndDisplayNames()
    {
        using var f = new DataFixture();
        f.WriteImage("c/101_ObjectCategories/BACKGROUND_Google/1.png", 1, 4, 4);
        f.WriteImage("c/101_ObjectCategories/accordion/1.png", 2, 4, 4);
        f.WriteImage("d/256_ObjectCategories/001.ak47/1.png", 1, 4, 4);
        f.WriteImage("d/256_ObjectCategories/002.american-flag/1.png", 1, 4, 4);
        f.WriteImage("d/256_ObjectCategories/257.clutter/1.png", 1, 4, 4);
        using var c101 = Caltech.Load101(f.PathOf("c"), new ImagePreprocessing(4)).Data;
        Assert.Equal(new[] { "accordion" }, c101.ClassNames);
        using var c256 = Caltech.Load256(f.PathOf("d"), new ImagePreprocessing(4)).Data;
        Assert.Equal(new[] { "ak47", "american-flag" }, c256.ClassNames);
    }

    [Fact]
    public void JpegDecodesCloseToSource()
    {
        using var f = new DataFixture();
        f.WriteImage("set/a/1.jpg", 1, 16, 16, jpeg: true);
        using var d = ImageFolder.Load(f.PathOf("set"), new ImagePreprocessing(16)).Data;
        var p = DataFixture.Pixel(1, 8, 8);
        Assert.InRange(d.Images[0, 1, 8, 8].item<byte>(), p.G - 6, p.G + 6);
    }
}
