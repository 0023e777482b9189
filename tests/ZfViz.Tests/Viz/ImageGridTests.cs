using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using ZfViz.Viz;

namespace ZfViz.Tests.Viz;

public class ImageGridTests
{
    [Fact]
    public void LaysOutTilesWithGapsAndScalesEachTileToItsOwnRange()
    {
        // Two 1-channel 2x2 tiles; per-tile scaling maps each tile's min to 0 and max to 255.
        var batch = torch.tensor(new float[] { 0, 1, 2, 3, /* tile 2 */ 10, 10, 10, 20 }).reshape(2, 1, 2, 2);
        using var img = ImageGrid.Render(batch, columns: 2, gap: 1, scale: 1, background: new Rgb24(9, 9, 9));
        Assert.Equal(2 * 2 + 3 * 1, img.Width);
        Assert.Equal(2 + 2 * 1, img.Height);
        Assert.Equal(new Rgb24(9, 9, 9), img[0, 0]);               // gap
        Assert.Equal(new Rgb24(0, 0, 0), img[1, 1]);               // tile 1 (0,0): min
        Assert.Equal(new Rgb24(85, 85, 85), img[2, 1]);            // 1/3 of the range
        Assert.Equal(new Rgb24(255, 255, 255), img[2, 2]);         // max
        Assert.Equal(new Rgb24(0, 0, 0), img[4, 1]);               // tile 2 starts after a 1-pixel gap
        Assert.Equal(new Rgb24(255, 255, 255), img[5, 2]);
    }

    [Fact]
    public void SharedScalingKeepsRelativeStrengthAndScaleRepeatsPixels()
    {
        var batch = torch.tensor(new float[] { 0, 0, 0, 0, 4, 4, 4, 4 }).reshape(2, 1, 2, 2);
        using var img = ImageGrid.Render(batch, columns: 1, gap: 0, scale: 2, scaling: Scaling.Shared);
        Assert.Equal(4, img.Width);
        Assert.Equal(8, img.Height);
        Assert.Equal(new Rgb24(0, 0, 0), img[3, 3]);
        Assert.Equal(new Rgb24(255, 255, 255), img[3, 4]);
    }

    [Fact]
    public void ColourChannelsStayInOrder()
    {
        var rgb = torch.tensor(new float[] { 1, 0, 0 }).reshape(1, 3, 1, 1);
        using var img = ImageGrid.Render(rgb, gap: 0, scaling: Scaling.None);
        Assert.Equal(new Rgb24(255, 0, 0), img[0, 0]);
    }

    [Fact]
    public void RejectsTensorsThatAreNotImages() =>
        Assert.Throws<ArgumentException>(() => ImageGrid.Render(torch.zeros(2, 5, 4, 4)));
}
