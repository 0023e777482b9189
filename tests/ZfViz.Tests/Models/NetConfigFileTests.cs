using ZfViz.Models;

namespace ZfViz.Tests.Models;

/// <summary>Reading --model values: presets by name, network configs from JSON files, and every way a file can be wrong.</summary>
public sealed class NetConfigFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-netconfig").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The message the CLI prints after "zfviz: error: ".</summary>
    static string Error(string json, string source = "cfg.json") =>
        Assert.Throws<UserInputException>(() => NetConfigFile.Parse(json, source)).Describe();

    [Fact]
    public void EveryPresetRoundTripsThroughARunFoldersConfigJson()
    {
        foreach (var preset in Presets.All)
        {
            var path = Write($"{preset.Name}.json", preset.ToJson());
            var spec = ModelSpec.Resolve(path);
            Assert.Equal(preset, spec.Config);
            Assert.Equal(path, spec.ConfigPath);
            Assert.False(spec.IsPreset);
        }
    }

    [Fact]
    public void PresetNamesResolveCaseInsensitively()
    {
        var spec = ModelSpec.Resolve("ZFNet-CIFAR");
        Assert.Same(Presets.ZfNetCifar, spec.Config);
        Assert.True(spec.IsPreset);
        Assert.Equal("zfnet-cifar", spec.ToString());
    }

    [Fact]
    public void AHandWrittenConfigNeedsOnlyTheSizesTheRestHasTheDocumentedDefaults()
    {
        var cfg = NetConfigFile.Parse("""
            // a what-if, with a comment and a trailing comma
            { "inputSize": 32, "InputChannels": 3, "Fc6": 0, "Fc7": 20, "Classes": 10,
              "Convs": [ { "Filters": 37, "Kernel": 5, "Padding": 2, "Pool": { "Size": 2, "Stride": 2 } }, { "Filters": 11, "Kernel": 3 }, ] }
            """, "/some/where/my-net.json");
        var expected = new NetConfig
        {
            Name = "my-net", InputSize = 32, InputChannels = 3, Fc6 = 0, Fc7 = 20, Classes = 10, Dropout = 0.5, Norm = new NormSpec(),
            Convs = [new ConvLayer(37, 5, Padding: 2, Pool: new PoolSpec(2, 2, 0)), new ConvLayer(11, 3)],
        };
        Assert.Equal(expected, cfg);
        Assert.Equal(11 * 14 * 14, cfg.FlattenedFeatures); // 32 -> 32 -> pool 16 -> 3x3 valid 14
    }

    [Fact]
    public void TheRuleIsAnExistingFileOrADotJsonName()
    {
        var noExtension = Write("whatif", Presets.ZfNetFmnist.ToJson());
        Assert.True(ModelSpec.IsConfigPath(noExtension));
        Assert.Equal(Presets.ZfNetFmnist, ModelSpec.Resolve(noExtension).Config);
        Assert.True(ModelSpec.IsConfigPath("not-there.JSON"));
        Assert.False(ModelSpec.IsConfigPath("zfnet"));

        var missing = Path.Combine(dir, "missing.json");
        var e = Assert.Throws<UserInputException>(() => ModelSpec.Resolve(missing));
        Assert.Equal($"{missing}: no such network config file.", e.Describe());
        Assert.Contains("is a folder", Assert.Throws<UserInputException>(() => NetConfigFile.Read(dir)).Message);
    }

    [Fact]
    public void AnUnknownNameListsThePresetsAndSaysAConfigPathWorksToo()
    {
        var e = Assert.Throws<UserInputException>(() => ModelSpec.Resolve("zfnet-cfar", otherNames: ["resnet18-imagenet"]));
        Assert.Equal("--model", e.Subject);
        Assert.StartsWith("--model: unknown model 'zfnet-cfar'; choose a preset (zfnet, alexnet, zfnet-cifar, zfnet-fmnist, alexnet-cifar, alexnet-fmnist, resnet18-imagenet)", e.Describe());
        Assert.Contains("path to a network config JSON", e.Message);
        Assert.Throws<UserInputException>(() => ModelSpec.Resolve(" "));
    }

    [Fact]
    public void AWhatIfMayNotPassForThePresetWhoseNameItKept()
    {
        var edited = Presets.ZfNetCifar.WithConv(1, c => c with { Filters = 100 }); // still named zfnet-cifar
        var path = Write("edited.json", edited.ToJson());
        var message = Assert.Throws<UserInputException>(() => ModelSpec.Resolve(path)).Describe();
        Assert.StartsWith($"{path}: its Name 'zfnet-cifar' is the preset zfnet-cifar's, but its layers differ", message);
        Assert.Equal(edited with { Name = "mine" }, ModelSpec.Resolve(Write("mine.json", (edited with { Name = "mine" }).ToJson())).Config);
    }

    [Theory]
    [InlineData("{\"InputSize\": 32,", "cfg.json: not valid JSON")]
    [InlineData("[1, 2]", "cfg.json: the file must be a JSON object; got array.")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3}], \"Fc6\": 8, \"Classes\": 10}",
        "cfg.json: the file lacks 'Fc7'")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: Convs[0] (conv1) lacks 'Kernel'")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: 'Convs' must be a non-empty array")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3, \"Strde\": 2}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: Convs[0] (conv1) has an unknown field 'Strde'")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3, \"Pool\": {\"Size\": 3}}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: Convs[0] (conv1).Pool lacks 'Stride'")]
    [InlineData("{\"InputSize\": \"big\", \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: a value has the wrong type")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8.5, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: a value has the wrong type")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 0, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: impossible network: cfg: conv1 needs Filters, Kernel, Stride, Groups >= 1")]
    [InlineData("{\"InputSize\": -32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: impossible network: cfg: the input needs a positive size")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 0}",
        "cfg.json: impossible network: cfg: fc8 needs at least one class")]
    [InlineData("{\"InputSize\": 8, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 11}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: impossible network: cfg: conv1's 11x11 kernel (padding 0) does not fit the 8x8 maps from the input")]
    [InlineData("{\"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 9, \"Kernel\": 3, \"Groups\": 2}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: impossible network: cfg: conv1 has 2 groups")]
    [InlineData("{\"Name\": \"\", \"InputSize\": 32, \"InputChannels\": 3, \"Convs\": [{\"Filters\": 8, \"Kernel\": 3}], \"Fc6\": 8, \"Fc7\": 8, \"Classes\": 10}",
        "cfg.json: 'Name' must not be empty.")]
    public void ABadConfigIsAUserErrorNamingTheFileAndTheProblem(string json, string expectedStart) =>
        Assert.StartsWith(expectedStart, Error(json));
}
