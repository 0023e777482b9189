using System.Text.Json.Nodes;
using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

/// <summary>Which networks and data a profile means (ProfileModels), and that every notebook asks it.</summary>
public sealed class ProfileModelsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("zfviz-profile-data-").FullName;
    public void Dispose() => Directory.Delete(root, recursive: true);

    static string NotebooksFolder => Path.Combine(ZfVizPaths.FindRepoRoot(AppContext.BaseDirectory)!, "notebooks");

    static string Code(string notebook)
    {
        var nb = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(NotebooksFolder, $"{notebook}-*.ipynb").Single()))!;
        return string.Join("\n", nb["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code")
            .Select(c => string.Concat(c!["source"]!.AsArray().Select(s => s!.GetValue<string>()))));
    }

    void Folder(params string[] parts) => Directory.CreateDirectory(Path.Combine([root, .. parts]));

    [Fact]
    public void CifarProfilesKeepTheCifarNetworks()
    {
        foreach (var p in new[] { Profile.Quick, Profile.Course })
        {
            var data = ProfileModels.Data(p, root);
            Assert.Equal(("cifar10", 32, false), (data.Name, data.InputSize, data.Photos));
            Assert.Same(Presets.ZfNetCifar, ProfileModels.ZfNetConfig(p, data));
            Assert.Same(Presets.AlexNetCifar, ProfileModels.AlexNetConfig(p, data));
            // The run folder notebooks 02-11 always used: $ZFVIZ_MODELS/zfnet-cifar/<profile>, and -seed2 for notebook 11.
            Assert.Equal(ModelStore.RunDirectory("zfnet-cifar", p), ProfileModels.RunDirectory(p, Presets.ZfNetCifar, data));
            Assert.Equal(ModelStore.RunDirectory("zfnet-cifar-seed2", p), ProfileModels.RunDirectory(p, Presets.ZfNetCifar, data, seed: 2));
            Assert.Equal(9, ProfileModels.Table3Variants(p, Presets.ZfNetCifar).Count);
        }
    }

    [Fact]
    public void ThePaperProfileStopsWithoutPhotosSayingHowToGetThem()
    {
        var e = Assert.Throws<UserInputException>(() => ProfileModels.Data(Profile.Paper, root));
        Assert.Contains("fetch-imagenet.sh --from DIR", e.Message);
        Assert.Contains("fetch-imagenette.sh", e.Message);
        Assert.Contains("paper-smoke", e.Message);
    }

    [Fact]
    public void ThePaperProfilePrefersIlsvrcThenImagenette()
    {
        Folder("imagenette", "imagenette2-320", "train", "n01440764");
        var nette = ProfileModels.Data(Profile.Paper, root);
        Assert.Equal(("imagenette", 10, 224, 256), (nette.Name, nette.Classes, nette.InputSize, nette.TrainingSize));

        Folder("imagenet", "train", "n01440764");
        Folder("imagenet", "train", "n01443537");
        Folder("imagenet", "train", "n01484850");
        Folder("imagenet", "val");
        var ilsvrc = ProfileModels.Data(Profile.Paper, root);
        Assert.Equal(("imagenet", 3), (ilsvrc.Name, ilsvrc.Classes));

        // A copy in the wrong layout is reported, not skipped for Imagenette.
        Folder("imagenet", "train", "not-a-wnid");
        Assert.Throws<UserInputException>(() => ProfileModels.Data(Profile.Paper, root));
    }

    [Fact]
    public void AnalysesSampleAtMostTenThousandTestImagesWhereTheProfileTakesAll()
    {
        Assert.Null(Profile.Paper.EvalImages); // training's validation reads the whole split, streamed if it is large
        Assert.Equal(10_000, ProfileModels.AnalysisSampleSize(Profile.Paper));
        Assert.Equal(Profile.Course.EvalImages ?? 10_000, ProfileModels.AnalysisSampleSize(Profile.Course));
        Assert.Equal(Profile.Quick.EvalImages, ProfileModels.AnalysisSampleSize(Profile.Quick));
        Assert.Equal(123, ProfileModels.AnalysisSampleSize(Profile.Paper, 123));
    }

    [Fact]
    public void PaperProfilesResolveThePapersNetworksAt224()
    {
        var data = new ProfileData("imagenette", "imagenette", root, 10, 224, "");
        foreach (var p in new[] { Profile.Paper, Profile.PaperSmoke })
        {
            var zf = ProfileModels.ZfNetConfig(p, data);
            var alex = ProfileModels.AlexNetConfig(p, data);
            Assert.Equal(("zfnet", 224, 10, 7, 2), (zf.Name, zf.InputSize, zf.Classes, zf.Convs[0].Kernel, zf.Convs[0].Stride));
            Assert.Equal(("alexnet", 224, 10, 11, 4), (alex.Name, alex.InputSize, alex.Classes, alex.Convs[0].Kernel, alex.Convs[0].Stride));
            Assert.EndsWith(Path.Combine("zfnet-imagenette", p.Name), ProfileModels.RunDirectory(p, zf, data));
            Assert.EndsWith(Path.Combine("zfnet-imagenette-seed2", p.Name), ProfileModels.RunDirectory(p, zf, data, seed: 2));
            Assert.Equal(ProfileModels.PaperScaleTable3, ProfileModels.Table3Variants(p, zf).Select(v => v.Label));
        }
        // Full ILSVRC-2012: the preset itself, in the preset's folder.
        var full = new ProfileData("imagenet", "imagenet", root, 1000, 224, "");
        Assert.Equal(Presets.ZfNet, ProfileModels.ZfNetConfig(Profile.Paper, full));
        Assert.EndsWith(Path.Combine("zfnet", "paper"), ProfileModels.RunDirectory(Profile.Paper, Presets.ZfNet, full));
    }

    public static IEnumerable<object[]> PaperNotebooks() =>
        new[] { "02", "03", "04", "05", "06", "07", "09", "11" }.Select(n => new object[] { n });

    /// <summary>
    /// Each notebook of the issue gets its network and data from ProfileModels (which the tests above pin to zfnet /
    /// alexnet at 224 on photos under the paper profiles), and none picks a CIFAR network or CIFAR data itself; sizes
    /// come from Profile.Pick, not from tests of the profile's name. The paper-smoke CI step runs them.
    /// </summary>
    [Theory]
    [MemberData(nameof(PaperNotebooks))]
    public void EachNotebookResolvesThePapersNetworkThroughTheProfile(string notebook)
    {
        var code = Code(notebook);
        Assert.Matches(@"ProfileModels\.(ZfNet|ZfNetConfig)\(zf\.Profile", code);
        foreach (var cifarOnly in new[] { "GetOrTrainCifarZfNet", "Presets.ZfNetCifar", "Presets.AlexNetCifar", "Datasets.Load(\"cifar10\"", "Profile.Name ==", "Profile.Name switch" })
            Assert.DoesNotContain(cifarOnly, code);
        if (notebook is "06" or "11") Assert.Contains("ProfileModels.AlexNet(zf.Profile", code);
        if (notebook is "11") Assert.Contains("seed: 2", code);
    }

    [Fact]
    public void NoNotebookTestsTheProfilesName()
    {
        foreach (var path in Directory.GetFiles(NotebooksFolder, "*.ipynb"))
            Assert.DoesNotMatch(@"Profile\.Name\s*(==|!=|switch)", File.ReadAllText(path));
    }

    [Fact]
    public void SmokePhotosAreAnImageNetFolderTheLoaderReads()
    {
        var dataRoot = SmokePhotos.EnsureDataRoot(under: root);
        Assert.Equal(dataRoot, SmokePhotos.EnsureDataRoot(under: root)); // second call: already there
        var options = new DataLoadOptions(ResizeShorter: 256, DataRoot: dataRoot, UseCache: false);
        using var train = Datasets.Load("imagenet", "train", 256, options);
        using var val = Datasets.Load("imagenet", "val", 224, options with { ResizeShorter = null });
        Assert.Equal(SmokePhotos.Classes * SmokePhotos.TrainPerClass, train.Count);
        Assert.Equal(SmokePhotos.Classes * SmokePhotos.ValPerClass, val.Count);
        Assert.Equal((256, 256, 224), (train.Height, train.Width, val.Height));
        Assert.Equal(Enumerable.Range(0, SmokePhotos.Classes).Select(c => (long)c),
            train.Labels.data<long>().ToArray().Distinct().Order());
    }
}
