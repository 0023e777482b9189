using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-ckpt-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ModelCheckpointRoundTripsExactly()
    {
        var cfg = Presets.AlexNetCifar.WithConv(4, l => l with { Groups = 2 });
        using var net = new ConvNet(cfg);
        var mean = rand(3, 32, 32);
        var path = Path.Combine(dir, "m.safetensors");
        Checkpoint.SaveModel(path, net, new InputNorm(mean, 2.5f), epoch: 7, new Dictionary<string, string> { ["note"] = "x" });
        using var loaded = Checkpoint.LoadModel(path);
        Assert.Equal(cfg, loaded.Config);
        Assert.Equal(7, loaded.Epoch);
        Assert.Equal("x", loaded.Metadata["note"]);
        Assert.True(loaded.PixelMean.eq(mean).all().item<bool>());
        Assert.Equal(2.5f, loaded.Norm.Scale);
        foreach (var ((n1, p1), (n2, p2)) in net.CheckpointParameters().Zip(loaded.Net.CheckpointParameters()))
        {
            Assert.Equal(n1, n2);
            Assert.True(p1.eq(p2).all().item<bool>(), n1);
        }
        net.eval(); loaded.Net.eval();
        var x = randn(2, 3, 32, 32);
        Assert.True(net.forward(x).eq(loaded.Net.forward(x)).all().item<bool>());
    }

    [Fact]
    public void AKillMidWriteLeavesThePreviousCheckpointLoadable()
    {
        using var net = new ConvNet(Presets.ZfNetFmnist);
        var mean = zeros(1, 28, 28);
        var path = Path.Combine(dir, "m.safetensors");
        Checkpoint.SaveModel(path, net, new InputNorm(mean, 1f), 1);
        var expected = net.Conv("conv1").weight!.clone();

        // A writer killed half-way: the temp file exists with half the bytes, the target was never replaced.
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(Path.Combine(dir, ".m.safetensors.4242.deadbeef.tmp"), bytes[..(bytes.Length / 2)]);
        // A writer that fails mid-stream inside this process: target untouched, its temp file removed.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s => { s.Write(bytes, 0, 100); throw new IOException("disk gone"); }));

        using var loaded = Checkpoint.LoadModel(path);
        Assert.Equal(1, loaded.Epoch);
        Assert.True(loaded.Net.Conv("conv1").weight!.eq(expected).all().item<bool>());
        Assert.Single(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void MismatchedWeightsFailNamingTheTensor()
    {
        using var small = new ConvNet(Presets.ZfNetCifar);
        var path = Path.Combine(dir, "s.safetensors");
        Checkpoint.SaveModel(path, small, new InputNorm(zeros(3, 32, 32), 1f), 1);
        var (tensors, _) = ZfViz.IO.Safetensors.Load(path);
        using var wide = new ConvNet(Presets.ZfNetCifar.WithConv(3, l => l with { Filters = 128 }));
        var e = Assert.Throws<UserInputException>(() => Checkpoint.LoadWeights(path, wide, tensors));
        Assert.Contains("conv3.weight", e.Message);
    }
}
