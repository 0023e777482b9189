using ZfViz.Runtime;
using ZfViz.Training;
using ZfViz.Models;

namespace ZfViz.Tests.Runtime;

public class MixedPrecisionPolicyTests
{
    [Theory]
    [InlineData("float32", Precision.Float32)]
    [InlineData(" FP32 ", Precision.Float32)]
    [InlineData("Mixed", Precision.Mixed)]
    [InlineData("auto", Precision.Auto)]
    public void PrecisionNamesParse(string text, Precision expected) => Assert.Equal(expected, MixedPrecisionPolicy.Parse(text));

    [Theory]
    [InlineData("half")]
    [InlineData("bf16")]
    [InlineData("")]
    public void OtherNamesAreTheUsersErrorNamingTheOption(string text)
    {
        var e = Assert.Throws<UserInputException>(() => MixedPrecisionPolicy.Parse(text, "--precision"));
        Assert.Equal("--precision", e.Subject);
        Assert.Contains("float32, mixed or auto", e.Message);
    }

    [Theory]
    [InlineData(true, true, Precision.Mixed)]
    [InlineData(true, false, Precision.Float32)]
    [InlineData(false, true, Precision.Float32)]
    [InlineData(false, false, Precision.Float32)]
    public void AutoIsMixedOnlyWithBfloat16HardwareAndAVerifiedCheck(bool hardware, bool verified, Precision expected)
    {
        Assert.Equal(expected, MixedPrecisionPolicy.Resolve(Precision.Auto, hardware, verified));
        // Explicit choices are kept whatever the machine.
        Assert.Equal(Precision.Mixed, MixedPrecisionPolicy.Resolve(Precision.Mixed, hardware, verified));
        Assert.Equal(Precision.Float32, MixedPrecisionPolicy.Resolve(Precision.Float32, hardware, verified));
    }

    [Fact]
    public void AutoIsFloat32HereUntilBfloat16IsVerified()
    {
        // The guard's verdict decides; where it left oneDNN its bfloat16 kernels and verified them, auto may be mixed.
        if (MixedPrecisionPolicy.IsBf16Verified() && MixedPrecisionPolicy.IsaCapAllowsBf16(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"))) return;
        Assert.Equal(Precision.Float32, MixedPrecisionPolicy.Resolve(Precision.Auto));
        Assert.StartsWith("float32 (auto: ", MixedPrecisionPolicy.Describe(Precision.Auto));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("ALL", true)]
    [InlineData("avx512_core_bf16", true)]
    [InlineData("AVX512_CORE_AMX", true)]
    [InlineData("AVX512_CORE", false)]
    [InlineData("AVX2", false)]
    [InlineData("SSE41", false)]
    public void AnIsaCapBelowBfloat16RulesMixedOut(string? cap, bool allowed) =>
        Assert.Equal(allowed, MixedPrecisionPolicy.IsaCapAllowsBf16(cap));

    [Fact]
    public void CpuFlagsAreReadFromTheFlagsLine()
    {
        Assert.True(MixedPrecisionPolicy.CpuInfoHasBf16("processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n"));
        Assert.True(MixedPrecisionPolicy.CpuInfoHasBf16("flags\t\t: fpu amx_bf16 amx_tile\n"));
        Assert.False(MixedPrecisionPolicy.CpuInfoHasBf16("flags\t\t: fpu avx512f avx512bw\n"));
        // A flag's name elsewhere (a bug line) is not a flag.
        Assert.False(MixedPrecisionPolicy.CpuInfoHasBf16("flags\t\t: fpu avx2\nbugs\t\t: avx512_bf16\n"));
    }

    [Fact]
    public void TheProfileCarriesThePrecisionToTheTrainingOptions()
    {
        static Func<string, string?> Env(params (string Key, string Value)[] vars) => key => vars.FirstOrDefault(v => v.Key == key).Value;
        Assert.Equal(Precision.Auto, Profile.FromEnvironment(Env()).Precision);
        var mixed = Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", "quick"), ("ZFVIZ_PRECISION", "mixed")));
        Assert.Equal((Profile.Quick.Name, Precision.Mixed), (mixed.Name, mixed.Precision));
        Assert.Equal(Precision.Mixed, TrainingOptions.ForProfile(mixed, Presets.ZfNetCifar).Precision);
        var e = Assert.Throws<UserInputException>(() => Profile.FromEnvironment(Env(("ZFVIZ_PRECISION", "double"))));
        Assert.Equal("$ZFVIZ_PRECISION", e.Subject);
    }

    [Fact]
    public void AStoredRunIsKeptWhenOnlyThePrecisionChanged()
    {
        // Same weights, other arithmetic: a model trained in float32 is not set aside (retrained) when auto turns mixed.
        var run = Directory.CreateTempSubdirectory("zfviz-precision-").FullName;
        try
        {
            var options = TrainingOptions.ForProfile(Profile.Quick, Presets.ZfNetCifar) with { Precision = Precision.Float32 };
            File.WriteAllText(RunFiles.Config(run), Presets.ZfNetCifar.ToJson());
            File.WriteAllText(RunFiles.Options(run), System.Text.Json.JsonSerializer.Serialize(options));
            Assert.Contains("\"Precision\":\"Float32\"", File.ReadAllText(RunFiles.Options(run)));
            Assert.Null(ModelStore.SetAsideIfStale(run, Presets.ZfNetCifar, options with { Precision = Precision.Mixed }));
        }
        finally { Directory.Delete(run, recursive: true); }
    }
}
