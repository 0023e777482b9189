using TorchSharp;
using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class ImageDatasetSampleTests
{
    /// <summary>12 images stored class by class, as folder data sets are: labels 0,0,0,0,0,0,1,1,1,2,2,2.</summary>
    static ImageDataset ClassSorted()
    {
        var images = torch.arange(12, dtype: torch.ScalarType.Byte).reshape(12, 1, 1, 1);
        var labels = torch.tensor(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 });
        return new ImageDataset("sorted", images, labels, ["a", "b", "c"]);
    }

    static long[] LabelsOf(ImageDataset d) => d.Labels.data<long>().ToArray();

    [Fact]
    public void TakeIsTheFirstImagesAndSoOneClassHere() =>
        Assert.Equal(new long[] { 0, 0, 0 }, LabelsOf(ClassSorted().Take(3)));

    [Fact]
    public void SampleBalancesTheClasses()
    {
        var s = ClassSorted().Sample(6, seed: 1);
        Assert.Equal(6, s.Count);
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2 }, LabelsOf(s));
        // Each image keeps its own label (pixel value = original index).
        var pixels = s.Images.reshape(-1).data<byte>().ToArray();
        Assert.All(pixels.Zip(LabelsOf(s)), p => Assert.Equal(p.First < 6 ? 0 : p.First < 9 ? 1 : 2, p.Second));
        Assert.Equal(pixels.Order(), pixels); // data-set order
    }

    [Fact]
    public void SampleFillsFromLargerClassesWhenSmallOnesRunOut()
    {
        var s = ClassSorted().Sample(10);
        Assert.Equal(new long[] { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 }, LabelsOf(s));
    }

    [Fact]
    public void SampleIsDeterministicPerSeedAndAllWhenLarger()
    {
        var d = ClassSorted();
        Assert.Equal(d.Sample(4, seed: 3).Images.data<byte>().ToArray(), d.Sample(4, seed: 3).Images.data<byte>().ToArray());
        Assert.Same(d, d.Sample(null));
        Assert.Same(d, d.Sample(12));
        Assert.Throws<UserInputException>(() => d.Sample(0));
    }

    [Fact]
    public void FewerImagesThanClassesComeFromClassesSpreadOverTheSet()
    {
        // One image per class, as the ImageNet samples: the first 3 would be classes 0, 1, 2.
        var images = torch.arange(12, dtype: torch.ScalarType.Byte).reshape(12, 1, 1, 1);
        var d = new ImageDataset("one-per-class", images, torch.arange(12, dtype: torch.ScalarType.Int64),
                                 Enumerable.Range(0, 12).Select(i => $"c{i}").ToList());
        var labels = LabelsOf(d.Sample(3, seed: 0));
        Assert.Equal(3, labels.Distinct().Count());
        Assert.NotEqual(new long[] { 0, 1, 2 }, labels);
        Assert.Equal(labels, LabelsOf(d.Sample(3, seed: 0)));
    }
}
