using System.Runtime.InteropServices;

namespace ZfViz.Tests.Setup;

/// <summary>Directory.Build.props keeps the other operating systems' libtorch out of the bin folders.</summary>
public class BuildOutputTests
{
    static readonly (OSPlatform Os, string Rid, string Library)[] LibTorchByOs =
    [
        (OSPlatform.Linux, "linux-x64", "libtorch_cpu.so"),
        (OSPlatform.OSX, "osx-arm64", "libtorch_cpu.dylib"),
        (OSPlatform.Windows, "win-x64", "torch_cpu.dll"),
    ];

    [Fact]
    public void OnlyThisOperatingSystemsLibTorchIsCopied()
    {
        if (!string.Equals(ZfViz.Runtime.TorchRuntime.Backend, "cpu", StringComparison.Ordinal)) return; // the CUDA build has Linux libtorch only
        foreach (var (os, rid, library) in LibTorchByOs)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", library);
            Assert.True(File.Exists(path) == RuntimeInformation.IsOSPlatform(os),
                $"{path}: expected {(RuntimeInformation.IsOSPlatform(os) ? "present" : "absent")}");
        }
    }
}
