using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Tests.Models;

/// <summary>
/// Shared inputs of the ResNet-18 tests: the ImageNet network loaded once, and a few real ImageNet sample photos
/// from the shared data folder ($ZFVIZ_SHARED_DATA, else a sibling shared/data of the repository or of a folder
/// above it, as on CI where it is ../shared/data next to the clone).
/// </summary>
public static class ResNet18TestData
{
    static readonly Lazy<ResNet18> Model = new(() => ResNet18.LoadImageNet());
    static readonly Lazy<ResNet18Preprocessing> Prep = new(() => ResNet18Preprocessing.Load());

    public static ResNet18 ImageNet => Model.Value;
    public static ResNet18Preprocessing Preprocessing => Prep.Value;

    public static string? SharedData()
    {
        if (Environment.GetEnvironmentVariable("ZFVIZ_SHARED_DATA") is { Length: > 0 } env) return Directory.Exists(env) ? env : null;
        for (var dir = ZfVizPaths.FindRepoRoot() is { } root ? new DirectoryInfo(root) : null; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string? SamplePhotoFolder() =>
        SharedData() is { } d && Directory.Exists(Path.Combine(d, "imagenet-samples")) ? Path.Combine(d, "imagenet-samples") : null;

    public const string NoPhotosReason =
        "ImageNet sample photos not found: set ZFVIZ_SHARED_DATA to the folder holding imagenet-samples/ (CI: ../shared/data beside the repository).";

    /// <summary>n sample photos spread over the 1000 classes (tests using it are marked <see cref="PhotoFactAttribute"/>).</summary>
    public static IReadOnlyList<string> SamplePhotos(int n)
    {
        var folder = SamplePhotoFolder() ?? throw new InvalidOperationException(NoPhotosReason);
        var all = Directory.GetFiles(folder, "*.JPEG").Order(StringComparer.Ordinal).ToList();
        if (n >= all.Count) return all;
        return Enumerable.Range(0, n).Select(i => all[i * all.Count / n + 7 * i % Math.Max(1, all.Count / n)]).ToList();
    }

    /// <summary>max |a - b| / max |b|: the error relative to the reference's scale.</summary>
    public static double RelativeError(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < a.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i]));
            maxRef = Math.Max(maxRef, Math.Abs(b[i]));
        }
        return maxDiff / maxRef;
    }
}

/// <summary>A fact that needs the ImageNet sample photos: skipped, with the reason, when the folder is absent.</summary>
public sealed class PhotoFactAttribute : FactAttribute
{
    public PhotoFactAttribute()
    {
        if (ResNet18TestData.SamplePhotoFolder() is null) Skip = ResNet18TestData.NoPhotosReason;
    }
}
