using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

public class TenViewTests
{
    [Fact]
    public void ViewsAreCornersCentreAndTheirMirrors()
    {
        // One 1-channel 4x4 image with values 0..15; crops of 2x2.
        var img = arange(16, dtype: ScalarType.Float32).view(1, 1, 4, 4);
        var v = TenView.Views(img, 2);
        Assert.Equal(new long[] { 10, 1, 2, 2 }, v.shape);
        float[][] expected =
        [
            [0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15], [5, 6, 9, 10],
            [1, 0, 5, 4], [3, 2, 7, 6], [9, 8, 13, 12], [11, 10, 15, 14], [6, 5, 10, 9],
        ];
        for (int i = 0; i < 10; i++) Assert.Equal(expected[i], v[i].flatten().data<float>().ToArray());
    }

    [Fact]
    public void AveragedProbabilitiesSumToOne()
    {
        var x = randn(3, 2, 6, 6);
        var p = TenView.AverageProbabilities(b => b.flatten(1)[.., ..4], x, padding: 1);
        Assert.Equal(new long[] { 3, 4 }, p.shape);
        Assert.True(p.sum(1).allclose(ones(3)));
    }
}
