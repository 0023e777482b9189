using System.CommandLine;
using ZfViz.Cli.Commands;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>Captures Console.Error, so these run alone.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

[Collection(nameof(ConsoleCapture))]
public sealed class FeaturesCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-features-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string P(string name) => Path.Combine(dir, name);

    /// <summary>Runs zfviz in-process with the two commands; returns the exit code and what went to stderr.</summary>
    static (int Code, string Error) Run(params string[] args)
    {
        var root = new RootCommand("zfviz");
        root.Subcommands.Add(FeaturesCommand.Create());
        root.Subcommands.Add(PreprocessCommand.Create());
        var error = new StringWriter();
        var old = Console.Error;
        Console.SetError(error);
        try { return (CliRunner.Invoke(root, args), error.ToString()); }
        finally { Console.SetError(old); }
    }

    void AssertBadInput((int Code, string Error) r, string expected, string output)
    {
        Assert.Equal(CliRunner.BadInput, r.Code);
        Assert.StartsWith("zfviz: error: ", r.Error);
        Assert.Contains(expected, r.Error);
        Assert.False(File.Exists(output), "nothing may be written on bad input");
        Assert.Empty(Directory.GetFiles(dir, "*.zfviz-tmp"));
    }

    [PhotoFact]
    public void PreprocessThenFeaturesEqualsTheLibrary()
    {
        var photo = ResNet18TestData.SamplePhotos(3)[2];
        Assert.Equal(0, Run("preprocess", "--model", "resnet18-imagenet", "--image", photo, "--out", P("x.npy")).Code);
        var x = Npy.Read(P("x.npy"));
        Assert.Equal(new long[] { 1, 3, 224, 224 }, x.Shape);
        Assert.Equal(NpyDtype.Float32, x.Dtype);
        using var expectedInput = ResNet18TestData.Preprocessing.FromFile(photo);
        Assert.Equal(expectedInput.data<float>().ToArray(), (float[])x.Data);

        Assert.Equal(0, Run("features", "--model", "resnet18-imagenet", "--input", P("x.npy"), "--out", P("f.npy")).Code);
        var f = Npy.ReadFloat32(P("f.npy"));
        Assert.Equal(new long[] { 1, 512 }, f.Shape);
        using var _ = no_grad();
        using var expected = ResNet18TestData.ImageNet.forward(expectedInput.unsqueeze(0));
        Assert.True(ResNet18TestData.RelativeError((float[])f.Data, expected.data<float>().ToArray()) < 1e-6);
    }

    [PhotoFact]
    public void FolderOfPhotosMatchesPreprocessedInputs()
    {
        var photos = ResNet18TestData.SamplePhotos(3);
        Directory.CreateDirectory(P("photos"));
        foreach (var (photo, i) in photos.Select((p, i) => (p, i))) File.Copy(photo, P($"photos/{i}.JPEG"));
        File.WriteAllText(P("photos/notes.txt"), "not an image, and not picked up (extension)");
        Assert.Equal(0, Run("features", "--images", P("photos"), "--out", P("f.npy"), "--batch-size", "2").Code);
        var f = Npy.ReadFloat32(P("f.npy"));
        Assert.Equal(new long[] { 3, 512 }, f.Shape);

        var images = photos.Select(ResNet18TestData.Preprocessing.FromFile).ToList(); // disposed once stack has read them
        using var inputs = stack(images);
        foreach (var image in images) image.Dispose();
        using var _ = no_grad();
        using var expected = ResNet18TestData.ImageNet.forward(inputs);
        Assert.True(ResNet18TestData.RelativeError((float[])f.Data, expected.data<float>().ToArray()) < 1e-5);
    }

    [Fact]
    public void RejectsNonFloat32Input()
    {
        Npy.Write(P("x64.npy"), new double[3 * 224 * 224], [1, 3, 224, 224]);
        AssertBadInput(Run("features", "--input", P("x64.npy"), "--out", P("f.npy")), "expected float32", P("f.npy"));
    }

    [Fact]
    public void RejectsWrongShape()
    {
        Npy.Write(P("x.npy"), new float[3 * 32 * 32], [1, 3, 32, 32]);
        AssertBadInput(Run("features", "--input", P("x.npy"), "--out", P("f.npy")), "expected shape [N,3,224,224]", P("f.npy"));
    }

    [Fact]
    public void RejectsMalformedNpy()
    {
        var bytes = Npy.Encode(new float[3 * 224 * 224], [1, 3, 224, 224]);
        File.WriteAllBytes(P("x.npy"), bytes[..^100]);
        AssertBadInput(Run("features", "--input", P("x.npy"), "--out", P("f.npy")), "truncated", P("f.npy"));
        File.WriteAllText(P("y.npy"), "not numpy");
        AssertBadInput(Run("features", "--input", P("y.npy"), "--out", P("f.npy")), "not a .npy file", P("f.npy"));
    }

    [Fact]
    public void RejectsFilesThatAreNotImages()
    {
        File.WriteAllText(P("photo.jpg"), "this is text");
        AssertBadInput(Run("preprocess", "--image", P("photo.jpg"), "--out", P("x.npy")), "photo.jpg: not an image", P("x.npy"));
        Directory.CreateDirectory(P("photos"));
        File.Copy(P("photo.jpg"), P("photos/a.jpg"));
        AssertBadInput(Run("features", "--images", P("photos"), "--out", P("f.npy")), "a.jpg: not an image", P("f.npy"));
    }

    [Fact]
    public void RejectsUnknownModelAndAmbiguousInputs()
    {
        AssertBadInput(Run("features", "--model", "no-such-net", "--images", dir, "--out", P("f.npy")), "unknown model 'no-such-net'", P("f.npy"));
        // Presets and configs take their own network input (--input); photo folders are the ResNet's.
        AssertBadInput(Run("features", "--model", "zfnet", "--images", dir, "--out", P("f.npy")), "--images: reads photos for resnet18-imagenet only", P("f.npy"));
        AssertBadInput(Run("features", "--out", P("f.npy")), "exactly one of --input", P("f.npy"));
        AssertBadInput(Run("features", "--input", P("x.npy"), "--images", dir, "--out", P("f.npy")), "exactly one of --input", P("f.npy"));
        AssertBadInput(Run("features", "--images", dir, "--out", P("f.npy")), "no image files", P("f.npy"));
    }

    [Fact]
    public void MissingPackageSaysHowToRestoreIt()
    {
        var e = Assert.Throws<UserInputException>(() => ResNet18Package.NetworkOnnx([P("empty-cache")]));
        Assert.Contains("dotnet restore", e.Message);
        Assert.Contains(ResNet18Package.PackageId, e.Message);
        Assert.Contains(ResNet18Package.OnnxVariable, e.Message);
    }
}
