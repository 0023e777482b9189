using ZfViz.Models;

namespace ZfViz.Tests.Models;

/// <summary>Presets' geometry with few filters: real ConvNet configs (checkpoints, training) that test in milliseconds.</summary>
public static class TinyConfigs
{
    /// <summary>zfnet-cifar's layers (32x32 input) with 6/8/8/8/6 filters.</summary>
    public static NetConfig ZfNetCifar(int fc6 = 16, int fc7 = 16, int classes = 10) => (Presets.ZfNetCifar with
    {
        Name = "zfnet-cifar-tiny", Fc6 = fc6, Fc7 = fc7, Classes = classes,
        Convs = Presets.ZfNetCifar.Convs.Zip(new[] { 6, 8, 8, 8, 6 }, (c, f) => c with { Filters = f }).ToList(),
    }).Validate();
}
