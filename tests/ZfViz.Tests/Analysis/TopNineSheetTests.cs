using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

public class TopNineSheetTests
{
    /// <summary>A 4x4 field on an 8x8 image; cell r sits at (r, r) so the first one is clipped at the top-left.</summary>
    static TopKFeature Feature(int feature)
    {
        var cells = new List<TopKCell>();
        for (int r = 0; r < 9; r++)
        {
            var window = new PixelWindow(r - 1, r - 1, 4, 4);
            var clip = window.Clip(8, 8);
            var inside = new PixelWindow(clip.Top - window.Top, clip.Left - window.Left, clip.Height, clip.Width);
            var projection = zeros(3, 4, 4);
            projection[0, 2, 2] = tensor(2f);  // red channel at max -> 255
            projection[1, 2, 2] = tensor(-2f); // green at -max -> 0
            var patch = full(3, 4, 4, 0.5f);
            cells.Add(new TopKCell(new ActivationPoint(r, feature, r, r, 9 - r), projection, patch, window, inside, window.IsClippedIn(8, 8), 3));
        }
        return new TopKFeature("conv1", feature, cells);
    }

    [Fact]
    public void ProjectionsAreScaledAroundMidGreyAndCellsArePlacedSideBySide()
    {
        var sheet = TopNineSheet.Render([Feature(0), Feature(1)], 8, 8, columns: 2, scale: 2);
        Assert.Equal(2 * 9 * 2, sheet.Cells.Count);
        var projection = sheet.Cells.First(c => c.Feature == 1 && c.Rank == 4 && c.IsProjection);
        var patch = sheet.Cells.First(c => c.Feature == 1 && c.Rank == 4 && !c.IsProjection);
        Assert.Equal(projection.Top, patch.Top);
        Assert.True(patch.Left > projection.Left + projection.Width);
        Assert.Equal((8, 8), (projection.Width, projection.Height)); // 4x4 field at scale 2
        // field pixel (2,2) -> sheet pixel (left + 4, top + 4): red full, green zero, blue mid-grey
        Assert.Equal(new Rgb24(255, 0, 128), sheet.Image[projection.Left + 4, projection.Top + 4]);
        Assert.Equal(new Rgb24(128, 128, 128), sheet.Image[projection.Left, projection.Top]);
        Assert.Equal(new Rgb24(128, 128, 128), sheet.Image[patch.Left + 1, patch.Top + 1]); // 0.5 grey patch
    }

    [Fact]
    public void ClippedFieldsAreHatchedAndFramed()
    {
        var sheet = TopNineSheet.Render([Feature(0)], 8, 8, scale: 2);
        var first = sheet.Cells.First(c => c.Rank == 0 && !c.IsProjection); // field starts at (-1,-1)
        Assert.True(first.Cell.Clipped);
        Assert.Equal(new Rgb24(255, 140, 0), sheet.Image[first.Left, first.Top]); // frame
        var hatch = sheet.Image[first.Left + 1, first.Top + 1];                   // outside the image, inside the frame
        Assert.True(hatch == new Rgb24(200, 200, 200) || hatch == new Rgb24(150, 150, 150));
        var inner = sheet.Cells.First(c => c.Rank == 4 && !c.IsProjection);
        Assert.False(inner.Cell.Clipped);
        Assert.Equal(new Rgb24(128, 128, 128), sheet.Image[inner.Left, inner.Top]);
    }

    [Fact]
    public void InteractiveViewHasAHoverLabelPerCell()
    {
        var sheet = TopNineSheet.Render([Feature(7)], 8, 8, scale: 2);
        var html = Charts.ToHtmlPage(TopNineSheetInteractive.Create(sheet, ["a", "b", "c", "dog"]));
        Assert.Contains("conv1 map 7, #1 projection", html);
        Assert.Contains("class dog (3)", html);
        Assert.Contains("position y=4 x=4", html);
    }
}

public class TopNineSheetLargeFieldTests
{
    [Fact]
    public void FieldsLargerThanTheImageShowTheWholeImageAndHatchWhatTheyDoNotCover()
    {
        // 12x12 field on an 8x8 image, starting at row/column 4: the image's rows/columns 0..3 are outside the field.
        var window = new PixelWindow(4, 4, 12, 12);
        var clip = window.Clip(8, 8);
        var inside = new PixelWindow(0, 0, clip.Height, clip.Width);
        var cell = new TopKCell(new ActivationPoint(0, 0, 1, 1, 1), zeros(3, 12, 12), full(3, 12, 12, 1f), window, inside, true, 0);
        var sheet = TopNineSheet.Render([new TopKFeature("conv3", 0, [cell])], 8, 8, scale: 1);
        var patch = sheet.Cells.Single(c => !c.IsProjection);
        Assert.Equal((8, 8), (patch.Width, patch.Height));
        Assert.Equal(new Rgb24(255, 255, 255), sheet.Image[patch.Left + 5, patch.Top + 5]);          // in image and field
        var hatch = sheet.Image[patch.Left + 2, patch.Top + 2];                                        // in image, not in field
        Assert.True(hatch == new Rgb24(200, 200, 200) || hatch == new Rgb24(150, 150, 150));
    }

    [Fact]
    public void AFewExtremePixelsSaturateInsteadOfGreyingOutTheRest()
    {
        // 1,000 pixels at 1.0 and one at 100: the 99.5th percentile is 1.0, so the many reach full contrast.
        var projection = ones(1, 40, 25);
        projection[0, 0, 0] = tensor(100f);
        var window = new PixelWindow(0, 0, 40, 25);
        var cell = new TopKCell(new ActivationPoint(0, 0, 0, 0, 1f), projection, full(1, 40, 25, 0.5f), window, window, false, 1);
        var sheet = TopNineSheet.Render([new TopKFeature("conv1", 0, [cell])], 40, 25, columns: 1, scale: 1);
        var p = sheet.Cells.First(c => c.IsProjection);
        Assert.Equal(new Rgb24(255, 255, 255), sheet.Image[p.Left + 10, p.Top + 10]);
        Assert.Equal(new Rgb24(255, 255, 255), sheet.Image[p.Left, p.Top]); // the outlier saturates
    }
}
