using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// Zeiler &amp; Fergus Sec. 4.5, Table 1: does the network implicitly put the same part of different images (a dog's
/// eye) in correspondence? For each image i and layer l, occlude a part with a grey square and take the change of the
/// layer's features ε_i = x_i − x̃_i (original minus occluded). If the change is consistent across images, the sign
/// vectors sign(ε_i) agree: Δ_l = Σ_{i≠j} H(sign ε_i, sign ε_j), H the Hamming distance. Here Δ is normalised: the
/// mean over ordered pairs i≠j of H divided by the vector length (0 = identical signs, 1 = all different). Lower Δ
/// for a part than for a random square = correspondence.
///
/// Sign: sign(ε) ∈ {−1, 0, +1}, 0 counted as a value of its own (a feature the square does not change, e.g. a ReLU
/// output that stays 0, agrees with the same in another image); |ε| up to <see cref="CorrespondenceOptions.ZeroTolerance"/>
/// times the layer's largest |feature| counts as 0 so that float round-off does not create signs.
/// </summary>
public static class Correspondence
{
    public const string RandomPart = "random";
    public const string MixedPart = "mixed parts";

    /// <summary>
    /// Measures Δ for each part in <paramref name="parts"/> and, if <see cref="CorrespondenceOptions.RandomDraws"/> &gt; 0,
    /// for random squares (part "random", the same position in every image). The probe's layers are compared (each
    /// flattened per image); it reads the originals once and every draw's occluded copies once, <paramref name="batchSize"/>
    /// images at a time.
    /// </summary>
    public static CorrespondenceResult Measure(ModelProbe probe, Tensor images,
        IReadOnlyList<OccludedPart> parts, CorrespondenceOptions? options = null, Action<string>? log = null, int batchSize = 32)
    {
        options ??= new CorrespondenceOptions();
        if (images.dim() != 4) throw new ArgumentException($"Expected images [N,C,H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        int n = (int)images.shape[0], height = (int)images.shape[2], width = (int)images.shape[3];
        if (n < 2) throw new ArgumentException($"Correspondence needs at least 2 images to compare; got {n}.", nameof(images));
        int size = options.SquareSize;
        if (size < 1 || size > Math.Min(height, width))
            throw new ArgumentException($"Square size {size} must be between 1 and the image side ({height}x{width}).", nameof(options));
        if (options.JitterDraws < 1) throw new ArgumentException($"JitterDraws must be at least 1 (draw 0 is the annotated position); got {options.JitterDraws}.", nameof(options));
        if (options.RandomDraws < 0 || options.JitterPixels < 0 || options.MixedDraws < 0)
            throw new ArgumentException("RandomDraws, MixedDraws and JitterPixels must not be negative.", nameof(options));
        if (options.MixedDraws > 0 && parts.Count < 2) throw new ArgumentException($"Mixed draws need at least 2 parts; got {parts.Count}.", nameof(options));
        if (parts.Count == 0 && options.RandomDraws == 0) throw new ArgumentException("Nothing to measure: no parts and no random draws.", nameof(parts));
        foreach (var part in parts)
        {
            if (part.Name is RandomPart or MixedPart) throw new ArgumentException($"The part name '{part.Name}' is reserved for a control.", nameof(parts));
            if (part.Centres.Count != n)
                throw new ArgumentException($"Part '{part.Name}' has {part.Centres.Count} centres for {n} images; every image needs one.", nameof(parts));
            foreach (var c in part.Centres)
                if (c.X < 0 || c.Y < 0 || c.X >= width || c.Y >= height)
                    throw new ArgumentException($"Part '{part.Name}': centre {c} lies outside the {width}x{height} image.", nameof(parts));
        }
        if (parts.Select(p => p.Name).Distinct().Count() != parts.Count) throw new ArgumentException("Part names must be distinct.", nameof(parts));

        using var noGrad = no_grad();
        using var original = probe.ReadFlat(images, batchSize);
        var layers = probe.Layers;
        if (layers.Count == 0) throw new ArgumentException("probe: it reads no layers to compare.", nameof(probe));
        var tolerance = layers.ToDictionary(l => l, l =>
        {
            using var scope = NewDisposeScope();
            return options.ZeroTolerance * original[l].abs().max().ToDouble();
        });
        int forwardPasses = n;

        var cells = new List<CorrespondenceCell>();
        var centres = new Dictionary<string, IReadOnlyList<IReadOnlyList<PixelPoint>>>();
        // pairsToCount[d][i,j]: whether pair (i,j) enters Δ in draw d (null: all pairs).
        void MeasureDraws(string name, IReadOnlyList<IReadOnlyList<PixelPoint>> draws, IReadOnlyList<bool[,]>? pairsToCount = null)
        {
            centres[name] = draws;
            var deltas = layers.ToDictionary(l => l, _ => new List<double>());
            var pairwise = layers.ToDictionary(l => l, _ => new List<double[,]>());
            var changedFraction = layers.ToDictionary(l => l, _ => new List<double>());
            foreach (var (draw, d) in draws.Select((c, d) => (c, d)))
            {
                // Everything a draw makes (occluded copy, features, differences) is freed with the draw.
                using var drawScope = NewDisposeScope();
                using var occluded = Occlude(images, draw, size, options.Fill);
                using var changed = probe.ReadFlat(occluded, batchSize);
                forwardPasses += n;
                foreach (var l in layers)
                {
                    var after = changed[l];
                    if (!after.shape.SequenceEqual(original[l].shape))
                        throw new InvalidOperationException($"probe: layer '{l}' changed shape between calls.");
                    using var epsilon = original[l] - after;
                    using var signs = Signs(epsilon, tolerance[l]);
                    var matrix = PairwiseHamming(signs);
                    pairwise[l].Add(matrix);
                    deltas[l].Add(MeanOffDiagonal(matrix, pairsToCount?[d]));
                    using var nonzero = signs.ne(HeldScalars.Zero).to_type(ScalarType.Float64).mean();
                    changedFraction[l].Add(nonzero.ToDouble());
                }
            }
            var summary = new List<string>();
            foreach (var l in layers)
            {
                var (mean, std) = MeanStd(deltas[l]);
                cells.Add(new CorrespondenceCell(name, l, mean, std, deltas[l], pairwise[l], changedFraction[l].Average()));
                summary.Add($"{l} {mean:0.0000} ± {std:0.0000}");
            }
            log?.Invoke($"{name} ({draws.Count} draws): {string.Join(", ", summary)}");
        }

        var jitter = new Random(options.Seed);
        foreach (var part in parts)
            MeasureDraws(part.Name, Enumerable.Range(0, options.JitterDraws)
                .Select(d => d == 0 ? part.Centres : Jitter(part.Centres, options.JitterPixels, width, height, jitter))
                .ToList());
        if (options.RandomDraws > 0)
        {
            var avoid = options.RandomAvoidsParts ? parts.SelectMany(p => p.Centres).ToList() : [];
            var positions = RandomPositions(options.RandomDraws, size, height, width, avoid, options.Seed);
            MeasureDraws(RandomPart, positions.Select(p => (IReadOnlyList<PixelPoint>)Enumerable.Repeat(p, n).ToList()).ToList());
        }
        if (options.MixedDraws > 0)
        {
            // Only pairs of images whose occluded parts differ: pairs that share a part would measure that part again.
            var choices = MixedChoices(parts, options.MixedDraws, options.Seed);
            var differentParts = choices.Select(c =>
            {
                var mask = new bool[n, n];
                for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    mask[i, j] = c[i] != c[j];
                return mask;
            }).ToList();
            MeasureDraws(MixedPart, choices.Select(c => (IReadOnlyList<PixelPoint>)c.Select((p, i) => parts[p].Centres[i]).ToList()).ToList(), differentParts);
        }
        var lengths = layers.ToDictionary(l => l, l => original[l].shape[1]);
        var partNames = parts.Select(p => p.Name).Concat(options.RandomDraws > 0 ? [RandomPart] : []).Concat(options.MixedDraws > 0 ? [MixedPart] : []).ToList();
        return new CorrespondenceResult(partNames, layers, cells, centres, lengths, size, n, forwardPasses);
    }

    /// <summary>The three annotated parts of dog faces, in Table 1's order (right eye, left eye, nose).</summary>
    public static IReadOnlyList<OccludedPart> PartsOf(IReadOnlyList<DogFace> faces) =>
        DogFace.PartNames.Select(p => new OccludedPart(p, faces.Select(f => f.Part(p)).ToList())).ToList();

    /// <summary>
    /// The pixels a square of side <paramref name="size"/> centred at <paramref name="centre"/> covers, clipped to the
    /// image: rows Y0..Y1-1, columns X0..X1-1. The square starts size/2 (rounded down) before the centre.
    /// </summary>
    public static (int Y0, int Y1, int X0, int X1) Box(PixelPoint centre, int size, int height, int width)
    {
        if (size < 1) throw new ArgumentException($"Square size must be at least 1; got {size}.", nameof(size));
        int y0 = centre.Y - size / 2, x0 = centre.X - size / 2;
        return (Math.Clamp(y0, 0, height), Math.Clamp(y0 + size, 0, height), Math.Clamp(x0, 0, width), Math.Clamp(x0 + size, 0, width));
    }

    /// <summary>A copy of <paramref name="images"/> [N,C,H,W] with a square of <paramref name="fill"/> at image i's centre i.</summary>
    public static Tensor Occlude(Tensor images, IReadOnlyList<PixelPoint> centres, int size, float fill = 0f)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images [N,C,H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        if (centres.Count != images.shape[0]) throw new ArgumentException($"{centres.Count} centres for {images.shape[0]} images.", nameof(centres));
        var result = images.clone();
        using var value = fill.ToScalar();
        for (int i = 0; i < centres.Count; i++)
        {
            var (y0, y1, x0, x1) = Box(centres[i], size, (int)images.shape[2], (int)images.shape[3]);
            if (y1 > y0 && x1 > x0)
            {
                using var square = result[i, .., y0..y1, x0..x1];
                square.fill_(value);
            }
        }
        return result;
    }

    /// <summary>sign(ε) as int8 [N, D] in {−1, 0, +1}; |ε| ≤ <paramref name="tolerance"/> gives 0.</summary>
    public static Tensor Signs(Tensor epsilon, double tolerance = 0)
    {
        using var scope = NewDisposeScope();
        var flat = epsilon.reshape(epsilon.shape[0], -1);
        using var limit = tolerance.ToScalar();
        var signs = flat.sign() * flat.abs().gt(limit).to_type(flat.dtype);
        return signs.to_type(ScalarType.Int8).MoveToOuterDisposeScope();
    }

    /// <summary>H(s_i, s_j) / D for all pairs of rows of a sign matrix [N, D]; 0 on the diagonal.</summary>
    public static double[,] PairwiseHamming(Tensor signs)
    {
        if (signs.dim() != 2 || signs.shape[1] == 0) throw new ArgumentException($"Expected signs [N,D] with D >= 1; got [{string.Join(",", signs.shape)}].", nameof(signs));
        int n = (int)signs.shape[0];
        double length = signs.shape[1];
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            using var differ = signs[i].ne(signs[j]);
            using var count = differ.sum();
            matrix[i, j] = matrix[j, i] = count.ToInt64() / length;
        }
        return matrix;
    }

    /// <summary>Normalised Δ of a sign matrix [N, D]: the mean of H(s_i, s_j)/D over i ≠ j (N ≥ 2).</summary>
    public static double Delta(Tensor signs)
    {
        if (signs.dim() != 2 || signs.shape[0] < 2) throw new ArgumentException($"Δ needs at least 2 sign vectors; got [{string.Join(",", signs.shape)}].", nameof(signs));
        return MeanOffDiagonal(PairwiseHamming(signs));
    }

    /// <summary>The mean of m[i,j] over i ≠ j, or over the pairs the mask marks.</summary>
    static double MeanOffDiagonal(double[,] m, bool[,]? mask = null)
    {
        int n = m.GetLength(0), count = 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j && (mask is null || mask[i, j]))
            {
                sum += m[i, j];
                count++;
            }
        return count == 0 ? throw new ArgumentException("No pairs to average.", nameof(mask)) : sum / count;
    }

    /// <summary>Mean and sample standard deviation (0 for a single value).</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        double mean = values.Average();
        double std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, std);
    }

    /// <summary>
    /// <paramref name="draws"/> assignments (seeded) of one annotated part (an index into <paramref name="parts"/>) to
    /// each image, never the same part in all images.
    /// </summary>
    public static IReadOnlyList<int[]> MixedChoices(IReadOnlyList<OccludedPart> parts, int draws, int seed)
    {
        if (parts.Count < 2) throw new ArgumentException($"Mixing needs at least 2 parts; got {parts.Count}.", nameof(parts));
        int n = parts[0].Centres.Count;
        if (n < 2 || parts.Any(p => p.Centres.Count != n)) throw new ArgumentException("Every part needs the same number (at least 2) of centres.", nameof(parts));
        var random = new Random(seed + 2);
        var result = new List<int[]>();
        while (result.Count < draws)
        {
            var choice = Enumerable.Range(0, n).Select(_ => random.Next(parts.Count)).ToArray();
            if (choice.Distinct().Count() > 1) result.Add(choice);
        }
        return result;
    }

    /// <summary>The square centres of <see cref="MixedChoices"/>: image i's centre of its chosen part.</summary>
    public static IReadOnlyList<IReadOnlyList<PixelPoint>> MixedCentres(IReadOnlyList<OccludedPart> parts, int draws, int seed) =>
        MixedChoices(parts, draws, seed).Select(c => (IReadOnlyList<PixelPoint>)c.Select((p, i) => parts[p].Centres[i]).ToList()).ToList();

    /// <summary>Each centre moved by its own uniform offset in [−pixels, pixels]², kept inside the image.</summary>
    static IReadOnlyList<PixelPoint> Jitter(IReadOnlyList<PixelPoint> centres, int pixels, int width, int height, Random random) =>
        centres.Select(c => new PixelPoint(
            Math.Clamp(c.X + random.Next(-pixels, pixels + 1), 0, width - 1),
            Math.Clamp(c.Y + random.Next(-pixels, pixels + 1), 0, height - 1))).ToList();

    /// <summary>
    /// <paramref name="count"/> square centres drawn uniformly (seeded) so that the square lies wholly inside the
    /// image and does not overlap the square of any point in <paramref name="avoid"/> (Chebyshev distance ≥ size).
    /// </summary>
    public static IReadOnlyList<PixelPoint> RandomPositions(int count, int size, int height, int width, IReadOnlyList<PixelPoint> avoid, int seed)
    {
        if (count < 0) throw new ArgumentException($"Count must not be negative; got {count}.", nameof(count));
        if (size < 1 || size > Math.Min(height, width)) throw new ArgumentException($"Square size {size} must be between 1 and the image side ({height}x{width}).", nameof(size));
        var random = new Random(seed);
        // Centres whose square [c - size/2, c - size/2 + size) stays inside the image.
        int lo = size / 2, hiX = width - size + size / 2, hiY = height - size + size / 2;
        var positions = new List<PixelPoint>();
        const int maxTries = 100_000;
        for (int tries = 0; positions.Count < count; tries++)
        {
            if (tries == maxTries)
                throw new InvalidOperationException($"No room for a {size}x{size} square away from the {avoid.Count} annotated points in a {width}x{height} image after {maxTries} tries.");
            var p = new PixelPoint(random.Next(lo, hiX + 1), random.Next(lo, hiY + 1));
            if (avoid.All(a => Math.Max(Math.Abs(a.X - p.X), Math.Abs(a.Y - p.Y)) >= size)) positions.Add(p);
        }
        return positions;
    }
}
