using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Data;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

public class CorrespondenceTests
{
    static Tensor Signs(params sbyte[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    [Fact]
    public void DeltaIsTheMeanNormalisedHammingDistanceOverPairs()
    {
        // By hand: H(s1,s2) = 2 (positions 1, 3), H(s1,s3) = 1 (position 2), H(s2,s3) = 3 (positions 1, 2, 3); D = 4.
        // Σ_{i≠j} H = 2 * (2 + 1 + 3) = 12 over 6 ordered pairs of length 4: 12 / 24 = 0.5.
        using var s = Signs([1, -1, 0, 1], [1, 1, 0, -1], [1, -1, 1, 1]);
        var m = Correspondence.PairwiseHamming(s);
        Assert.Equal(0.5, m[0, 1]);
        Assert.Equal(0.25, m[0, 2]);
        Assert.Equal(0.75, m[1, 2]);
        Assert.Equal(m[1, 2], m[2, 1]);
        Assert.Equal(0, m[1, 1]);
        Assert.Equal(0.5, Correspondence.Delta(s), 12);
    }

    [Fact]
    public void SignsCountZeroAsItsOwnValueAndTreatTinyChangesAsZero()
    {
        using var eps = tensor(new float[] { 0.5f, -1e-9f, 0f, -2f, 3e-7f, -4e-6f }, [1, 6]);
        using var s = Correspondence.Signs(eps, tolerance: 1e-6);
        Assert.Equal(new sbyte[] { 1, 0, 0, -1, 0, -1 }, s.data<sbyte>().ToArray());
        // Without tolerance only the exact zero is 0.
        using var exact = Correspondence.Signs(eps);
        Assert.Equal(new sbyte[] { 1, -1, 0, -1, 1, -1 }, exact.data<sbyte>().ToArray());
        // 0 against ±1 is a difference; 0 against 0 is not.
        using var pair = Signs([0, 0, 1], [0, 1, -1]);
        Assert.Equal(2.0 / 3, Correspondence.Delta(pair), 12);
    }

    [Fact]
    public void BoxStartsHalfASquareBeforeTheCentreAndIsClippedAtTheBorders()
    {
        Assert.Equal((8, 12, 3, 7), Correspondence.Box(new PixelPoint(5, 10), 4, 20, 20));
        Assert.Equal((0, 3, 0, 3), Correspondence.Box(new PixelPoint(1, 1), 4, 5, 5));
        Assert.Equal((2, 5, 3, 5), Correspondence.Box(new PixelPoint(4, 3), 3, 5, 5));
        Assert.Equal((2, 5, 3, 6), Correspondence.Box(new PixelPoint(4, 3), 3, 8, 8)); // odd size: one before, one after
    }

    [Fact]
    public void OccludeFillsTheClippedSquareOfEachImageWithItsOwnCentre()
    {
        using var images = ones(2, 2, 5, 5);
        using var occluded = Correspondence.Occlude(images, [new PixelPoint(0, 0), new PixelPoint(4, 3)], 3, fill: -1f);
        float[] first =
        [
            -1, -1, 1, 1, 1,
            -1, -1, 1, 1, 1,
            1, 1, 1, 1, 1,
            1, 1, 1, 1, 1,
            1, 1, 1, 1, 1,
        ];
        float[] second =
        [
            1, 1, 1, 1, 1,
            1, 1, 1, 1, 1,
            1, 1, 1, -1, -1,
            1, 1, 1, -1, -1,
            1, 1, 1, -1, -1,
        ];
        using var expected = stack([tensor(first, [5, 5]), tensor(second, [5, 5])]).unsqueeze(1).expand(2, 2, 5, 5);
        Assert.True(occluded.allclose(expected, rtol: 0, atol: 0));
        Assert.Equal(2 * 2 * 25, images.sum().ToInt64()); // the input is not modified
    }

    [Fact]
    public void RandomPositionsAreDeterministicBySeedInsideTheImageAndAwayFromTheParts()
    {
        PixelPoint[] avoid = [new(112, 112), new(60, 60)];
        var a = Correspondence.RandomPositions(20, 40, 224, 224, avoid, seed: 7);
        var b = Correspondence.RandomPositions(20, 40, 224, 224, avoid, seed: 7);
        var c = Correspondence.RandomPositions(20, 40, 224, 224, avoid, seed: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(20, a.Count);
        foreach (var p in a)
        {
            var (y0, y1, x0, x1) = Correspondence.Box(p, 40, 224, 224);
            Assert.Equal((40, 40), (y1 - y0, x1 - x0)); // never clipped
            Assert.All(avoid, q => Assert.True(Math.Max(Math.Abs(p.X - q.X), Math.Abs(p.Y - q.Y)) >= 40));
        }
        // No room: a square as large as the image cannot avoid a point inside it.
        Assert.Throws<InvalidOperationException>(() => Correspondence.RandomPositions(1, 10, 10, 10, [new(5, 5)], seed: 1));
    }

    /// <summary>Features = the pixels themselves (two "layers": the image and its negative), images all ones.</summary>
    static ModelProbe PixelFeatures => new(["pixels", "negative"], false,
        x => new ProbeReading(new Dictionary<string, Tensor> { ["pixels"] = x.flatten(1), ["negative"] = -x }, null));

    [Fact]
    public void MeasureOnPixelFeaturesMatchesTheOverlapOfTheSquares()
    {
        using var images = ones(3, 1, 10, 10);
        var parts = new List<OccludedPart>
        {
            new("same", [new(5, 5), new(5, 5), new(5, 5)]),
            // Disjoint 4x4 squares: every pair of ε differs in 16 + 16 pixels (1 against 0): Δ = 32 / 100.
            new("apart", [new(2, 2), new(7, 7), new(2, 7)]),
        };
        var result = Correspondence.Measure(PixelFeatures, images, parts,
            new CorrespondenceOptions { SquareSize = 4, JitterDraws = 1, RandomDraws = 3, RandomAvoidsParts = false, Seed = 3 });
        Assert.Equal(["same", "apart", Correspondence.RandomPart], result.Parts);
        Assert.Equal(["pixels", "negative"], result.Layers);
        Assert.Equal(100, result.FeatureLengths["negative"]);
        foreach (var layer in result.Layers)
        {
            Assert.Equal(0, result.Cell("same", layer).Mean);
            Assert.Equal(0.32, result.Cell("apart", layer).Mean, 12);
            Assert.Equal(0, result.Cell("apart", layer).Std);
            Assert.Equal(0.32, result.Cell("apart", layer).Pairwise[0][2, 1], 12);
            Assert.Equal(0.16, result.Cell("apart", layer).Changed, 12); // 16 of 100 pixels in each image
            // The random square sits at the same place in every image, so on identical images ε agree exactly.
            var random = result.Cell(Correspondence.RandomPart, layer);
            Assert.Equal(3, random.Deltas.Count);
            Assert.All(random.Deltas, d => Assert.Equal(0, d));
        }
        Assert.All(result.Centres[Correspondence.RandomPart], draw => Assert.Single(draw.Distinct()));
        Assert.Equal(3 * (1 + 1 + 1 + 3), result.ForwardPasses);
    }

    [Fact]
    public void JitterDrawsMoveTheSquaresAndGiveASpread()
    {
        using var images = ones(2, 1, 12, 12);
        var parts = new List<OccludedPart> { new("p", [new(3, 3), new(8, 8)]) };
        var options = new CorrespondenceOptions { SquareSize = 3, JitterDraws = 6, JitterPixels = 2, RandomDraws = 0, Seed = 5 };
        var a = Correspondence.Measure(PixelFeatures, images, parts, options);
        var b = Correspondence.Measure(PixelFeatures, images, parts, options);
        var draws = a.Centres["p"];
        Assert.Equal(6, draws.Count);
        Assert.Equal(parts[0].Centres, draws[0]); // draw 0 is the annotation itself
        Assert.All(draws, d => Assert.All(d.Zip(parts[0].Centres), z => Assert.True(Math.Abs(z.First.X - z.Second.X) <= 2 && Math.Abs(z.First.Y - z.Second.Y) <= 2)));
        Assert.Equal(a.Cell("p", "pixels").Deltas, b.Cell("p", "pixels").Deltas); // seeded
        var (mean, std) = Correspondence.MeanStd(a.Cell("p", "pixels").Deltas);
        Assert.Equal((mean, std), (a.Cell("p", "pixels").Mean, a.Cell("p", "pixels").Std));
        Assert.Equal(18.0 / 144, a.Cell("p", "pixels").Deltas[0], 12); // disjoint 3x3 squares
    }

    [Fact]
    public void MixedDrawsOccludeDifferentPartsInDifferentImages()
    {
        using var images = ones(3, 1, 10, 10);
        var parts = new List<OccludedPart> { new("a", [new(2, 2), new(2, 2), new(2, 2)]), new("b", [new(7, 7), new(7, 7), new(7, 7)]) };
        var result = Correspondence.Measure(PixelFeatures, images, parts,
            new CorrespondenceOptions { SquareSize = 4, JitterDraws = 1, RandomDraws = 0, MixedDraws = 4, Seed = 2 });
        Assert.Equal(["a", "b", Correspondence.MixedPart], result.Parts);
        Assert.Equal(0, result.Cell("a", "pixels").Mean);
        // Never the same part everywhere: with 3 images exactly 2 of the 3 pairs have different parts; only those count,
        // and each differs in 32 of 100 pixels.
        var mixed = result.Cell(Correspondence.MixedPart, "pixels");
        Assert.All(mixed.Deltas, d => Assert.Equal(0.32, d, 12));
        Assert.All(mixed.Pairwise, m => Assert.Equal(2, new[] { m[0, 1], m[0, 2], m[1, 2] }.Count(v => v > 0)));
        Assert.All(result.Centres[Correspondence.MixedPart], draw => Assert.Equal(2, draw.Distinct().Count()));
        Assert.Equal(3 * (1 + 2 + 4), result.ForwardPasses);

        var again = Correspondence.MixedCentres(parts, 4, seed: 2);
        Assert.Equal(result.Centres[Correspondence.MixedPart].Select(d => d.ToList()), again.Select(d => d.ToList()));
        Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, images, parts.Take(1).ToList(),
            new CorrespondenceOptions { SquareSize = 4, MixedDraws = 1 }));
    }

    [Fact]
    public void MeanStdUsesTheSampleStandardDeviation()
    {
        var (mean, std) = Correspondence.MeanStd([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), std, 12);
        Assert.Equal((7.0, 0.0), Correspondence.MeanStd([7.0]));
    }

    [Fact]
    public void BadInputsGiveClearErrors()
    {
        using var one = ones(1, 1, 8, 8);
        using var two = ones(2, 1, 8, 8);
        var options = new CorrespondenceOptions { SquareSize = 2, RandomDraws = 0 };
        var e = Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, one, [new("p", [new(1, 1)])], options));
        Assert.Contains("at least 2 images", e.Message);
        e = Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, two, [new("p", [new(1, 1)])], options));
        Assert.Contains("1 centres for 2 images", e.Message);
        e = Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, two, [new("p", [new(1, 1), new(1, 1)])], options with { SquareSize = 9 }));
        Assert.Contains("Square size 9", e.Message);
        e = Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, two, [new("p", [new(1, 1), new(8, 1)])], options));
        Assert.Contains("outside", e.Message);
        e = Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, two, [], options));
        Assert.Contains("Nothing to measure", e.Message);
        Assert.Throws<ArgumentException>(() => Correspondence.Measure(PixelFeatures, two, [new("random", [new(1, 1), new(1, 1)])], options));
        var face = new DogFace("n0_x.JPEG", new(1, 1), new(2, 2), new(3, 3));
        e = Assert.Throws<ArgumentException>(() => face.Part("tail"));
        Assert.Contains("right eye, left eye, nose", e.Message);
    }

    [Fact]
    public void LandmarksLoadWithEveryPointInsideTheNetworkInput()
    {
        var faces = DogLandmarks.Load();
        Assert.True(faces.Count >= 5, $"{faces.Count} dogs; Table 1 uses five");
        foreach (var f in faces)
        {
            foreach (var part in DogFace.PartNames)
            {
                var p = f.Part(part);
                Assert.InRange(p.X, 0, ResNet18.InputSize - 1);
                Assert.InRange(p.Y, 0, ResNet18.InputSize - 1);
            }
            // Frontal faces: the dog's right eye is on the image's left, the nose below the eyes.
            Assert.True(f.RightEye.X < f.LeftEye.X, f.File);
            Assert.True(f.Nose.Y > Math.Min(f.RightEye.Y, f.LeftEye.Y), f.File);
        }
        var parts = Correspondence.PartsOf(faces);
        Assert.Equal(DogFace.PartNames, parts.Select(p => p.Name));
        Assert.Equal(faces[2].Nose, parts[2].Centres[2]);
        Assert.Equal("Maltese dog", faces[0].Breed);

        // The photos are not in the repository; when the data is present the files must be ImageNet dog classes (151-268).
        var folder = Datasets.Folder("imagenet-samples");
        if (!Directory.Exists(folder) || Directory.GetFiles(folder).Length == 0) return;
        var samples = ImageNetSamples.List(folder).ToDictionary(s => Path.GetFileName(s.Path));
        Assert.All(faces, f =>
        {
            Assert.True(samples.TryGetValue(f.File, out var sample), $"{f.File} is not among the ImageNet samples in {folder}");
            Assert.InRange(sample!.ClassIndex, 151, 268);
        });
    }

    [Fact]
    public void LandmarkParserRejectsPointsOutsideTheImageAndMissingParts()
    {
        const string good = """{"imageSize": 224, "dogs": [{"file": "a.JPEG", "rightEye": [1, 2], "leftEye": [3, 4], "nose": [5, 6]}]}""";
        var faces = DogLandmarks.Parse(good, "test.json");
        Assert.Equal(new PixelPoint(5, 6), Assert.Single(faces).Nose);
        var e = Assert.Throws<InvalidDataException>(() => DogLandmarks.Parse(good.Replace("[5, 6]", "[224, 6]"), "test.json"));
        Assert.Contains("test.json: a.JPEG: \"nose\" (224,6) lies outside the 224x224 image", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DogLandmarks.Parse(good.Replace("\"leftEye\": [3, 4], ", ""), "test.json"));
        Assert.Contains("\"leftEye\" must be [x, y]", e.Message);
        Assert.Throws<InvalidDataException>(() => DogLandmarks.Parse("{", "test.json"));
    }
}
