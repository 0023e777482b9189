using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class SamplerTests
{
    // 3 classes with 10, 7 and 5 images, interleaved.
    static readonly long[] Labels = Enumerable.Range(0, 22).Select(i => i < 15 ? (long)(i % 3) : i < 19 ? 0L : 1L).ToArray();

    [Fact]
    public void DrawsExactlyNPerClassAndTestsOnTheRest()
    {
        var s = ClassBalancedSampler.Sample(Labels, 4, seed: 1);
        Assert.Equal(12, s.Train.Count);
        foreach (var c in new long[] { 0, 1, 2 }) Assert.Equal(4, s.Train.Count(i => Labels[i] == c));
        Assert.Empty(s.Train.Intersect(s.Test));
        Assert.Equal(Enumerable.Range(0, Labels.Length).Select(i => (long)i), s.Train.Concat(s.Test).Order());
        Assert.Equal(s.Train.Order(), s.Train);
    }

    [Fact]
    public void TestPerClassCapsTheTestPart()
    {
        var s = ClassBalancedSampler.Sample(Labels, 2, testPerClass: 3, seed: 0);
        foreach (var c in new long[] { 0, 1, 2 }) Assert.Equal(3, s.Test.Count(i => Labels[i] == c));
    }

    [Fact]
    public void SameSeedSameSplitOtherSeedsDiffer()
    {
        var a = ClassBalancedSampler.Splits(Labels, 3, count: 5, seed: 10);
        var b = ClassBalancedSampler.Splits(Labels, 3, count: 5, seed: 10);
        Assert.Equal(a.Select(s => s.Train), b.Select(s => s.Train));
        Assert.Equal(new[] { 10, 11, 12, 13, 14 }, a.Select(s => s.Seed));
        Assert.True(a.Select(s => string.Join(",", s.Train)).Distinct().Count() > 1);
    }

    [Fact]
    public void TooFewImagesInAClassIsAnError()
    {
        var e = Assert.Throws<UserInputException>(() => ClassBalancedSampler.Sample(Labels, 6));
        Assert.Contains("Class 2 has 5 images", e.Message);
    }

    [Fact]
    public void AcceptsADataSet()
    {
        using var data = new ImageDataset("d", TorchSharp.torch.zeros([Labels.Length, 1, 1, 1], TorchSharp.torch.ScalarType.Byte),
            TorchSharp.torch.tensor(Labels), ["a", "b", "c"]);
        var s = ClassBalancedSampler.Sample(data, 5, seed: 2);
        Assert.Equal(ClassBalancedSampler.Sample(Labels, 5, seed: 2).Train, s.Train);
    }
}
