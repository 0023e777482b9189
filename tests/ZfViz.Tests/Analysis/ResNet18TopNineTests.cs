using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

[Collection(nameof(SharedTorchState))]
public class ResNet18TopNineTests
{
    [Fact]
    public void OnePassOverSeveralStagesEqualsOneSearchPerStage()
    {
        manual_seed(21);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var images = randn(5, 3, 64, 64);
        var batches = new[] { images[..2], images[2..] };
        var all = TopK.Search(ModelProbe.Of(net, ["conv1", "layer1", "layer3"]), batches, k: 3);
        foreach (var stage in new[] { "conv1", "layer1", "layer3" })
        {
            var single = TopK.Search(ModelProbe.Of(net, [stage]), batches, k: 3)[stage];
            Assert.Equal(single.Count, all[stage].Count);
            for (int f = 0; f < single.Count; f++) Assert.Equal(single[f], all[stage][f]);
        }
    }

    [Fact]
    public void CellsAreTheProjectionsAndPatchesOnTheReceptiveField()
    {
        manual_seed(22);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var input = randn(4, 3, 64, 64);
        using var shown = rand(4, 3, 64, 64);
        foreach (var stage in new[] { "conv1", "layer2" })
        {
            var top = TopK.Search(ModelProbe.Of(net, [stage]), [input], k: 3)[stage];
            var features = new[] { 1, 6 };
            var cells = ResNet18TopNine.Project(net, top, stage, features, idx => input.index_select(0, tensor(idx)),
                idx => shown.index_select(0, tensor(idx)), labels: idx => idx.Select(i => 10 + i).ToArray());
            Assert.Equal(features, cells.Select(c => c.Feature));
            var rf = ResNet18ReceptiveField.Of(net, stage);
            foreach (var feature in cells)
            {
                Assert.Equal(top[feature.Feature].Select(a => (a.Image, a.Y, a.X)), feature.Cells.Select(c => (c.Point.Image, c.Point.Y, c.Point.X)));
                foreach (var cell in feature.Cells)
                {
                    var p = cell.Point;
                    Assert.Equal(10 + p.Image, cell.Label);
                    var window = rf.At(p.Y, p.X);
                    Assert.Equal(window, cell.Window);
                    var full = ResNet18Deconv.Project(net, input[(int)p.Image].unsqueeze(0), stage, p.Feature, (p.Y, p.X)).Image;
                    // The projection's support lies inside the field: nothing is lost by cutting it to the window.
                    var clip = window.Clip(64, 64);
                    Assert.Equal(full.abs().sum().item<float>(), full[.., clip.Top..clip.Bottom, clip.Left..clip.Right].abs().sum().item<float>(), 3);
                    // Shown as RGB: channels reversed; zero outside the image.
                    var expected = zeros(3, window.Height, window.Width);
                    var inside = cell.Inside;
                    expected[.., inside.Top..inside.Bottom, inside.Left..inside.Right] = full.flip(0)[.., clip.Top..clip.Bottom, clip.Left..clip.Right];
                    Assert.True(cell.Projection.allclose(expected, rtol: 1e-4, atol: 1e-6));
                    var patch = zeros(3, window.Height, window.Width);
                    patch[.., inside.Top..inside.Bottom, inside.Left..inside.Right] = shown[(int)p.Image, .., clip.Top..clip.Bottom, clip.Left..clip.Right];
                    Assert.True(cell.Patch.eq(patch).all().item<bool>());
                    Assert.Equal(window.IsClippedIn(64, 64), cell.Clipped);
                }
            }
            var sheet = TopNineSheet.Render(cells, 64, 64, columns: 2);
            Assert.Equal(2 * 2 * 3, sheet.Cells.Count);
        }
    }

    [Fact]
    public void ToDisplayUndoesThePreprocessing()
    {
        using var prep = ResNet18Preprocessing.Load();
        manual_seed(23);
        using var rgb = randint(0, 256, [2, 3, 224, 224]).to_type(ScalarType.Float32);
        using var back = ResNet18TopNine.ToDisplay(prep.Apply(rgb), prep);
        Assert.True(back.allclose(rgb / 255f, atol: 1e-5));
    }
}
