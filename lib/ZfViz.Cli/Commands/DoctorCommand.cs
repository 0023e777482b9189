using System.CommandLine;
using System.Text.Json;
using ZfViz.Runtime;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz doctor: checks libtorch's convolutions on this CPU against float64 under the default oneDNN kernels and,
/// where they are wrong, under ever lower ISA caps (each in a child process), and saves the first right setting as
/// this machine's verdict, which every ZFViz process then applies. Exit 0: a right setting exists; 1: none does.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the saved verdict as JSON instead of a table" };
        var probe = new Option<bool>("--probe") { Description = "Internal: check this process's kernels and print JSON", Hidden = true };
        var cmd = new Command("doctor",
            "Check this CPU's convolutions against float64 (default oneDNN kernels, then capped ISAs) and save the first " +
            $"right setting for every ZFViz process (settings file: ${NumericsSettings.FileVariable}, else ~/.config/zfviz/numerics.json)")
            { json, probe };
        cmd.SetAction(r => r.GetValue(probe) ? Probe() : Check(r.GetValue(json)));
        return cmd;
    }

    static int Probe()
    {
        TorchRuntime.Initialize("cpu");
        var isa = Environment.GetEnvironmentVariable(NumericsDoctor.IsaVariable) is { Length: > 0 } v ? v : NumericsDoctor.NoCap; // padding: $ZFVIZ_CONV_PADDING
        Console.WriteLine(NumericsDoctor.ProbeJson(NumericsProbe.Run(isa)));
        return 0;
    }

    static int Check(bool json)
    {
        var cli = NumericsDoctor.FindCli() ?? throw new InvalidOperationException("cannot find zfviz.dll to run the probes with");
        var path = NumericsSettings.DefaultPath;
        Console.Error.WriteLine($"doctor: checking convolutions (forward, input and weight gradients, transposed) in float32 and bfloat16 " +
                                $"against float64 on {NumericsProbe.Cases.Count} shapes, one child process per oneDNN setting");
        var settings = NumericsDoctor.Check(cli, r => Console.Error.WriteLine(
            $"doctor: {r.Setting,-18} float32 {(r.Float32Ok ? "right" : "WRONG"),-5} (worst {r.WorstFloat32}); " +
            $"bfloat16 {(r.BFloat16Ok ? "right" : "wrong")} (worst {r.WorstBFloat16}); training step {r.StepMilliseconds:0} ms"));
        settings.Save(path);
        if (json)
            Console.WriteLine(File.ReadAllText(path).TrimEnd());
        else
        {
            Console.WriteLine($"{"setting",-18} {"float32",-8} {"worst float32 error",-48} {"bfloat16",-9} {"step ms",8}");
            foreach (var t in settings.Tried)
                Console.WriteLine($"{t.Isa,-18} {(t.Float32Ok ? "right" : "WRONG"),-8} {t.WorstFloat32,-48} {(t.BFloat16Ok ? "right" : "wrong"),-9} {t.StepMilliseconds,8:0}");
        }
        if (!settings.Float32Verified)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("doctor: *** " + new UnsafeNumericsException(settings, path).Message + " ***");
            Console.Error.WriteLine($"doctor: verdict saved to {path}");
            return 1;
        }
        var status = NumericsStatus.From(settings, path);
        Console.Error.WriteLine($"doctor: {status.Verdict}");
        Console.Error.WriteLine($"doctor: bfloat16 convolutions under this setting: {(settings.BFloat16Verified ? "right" : "not right")}" +
                                $" ({(settings.BFloat16Hardware ? "" : "no ")}bfloat16 hardware)");
        Console.Error.WriteLine($"doctor: verdict saved to {path}; {NumericsDoctor.IsaVariable} or {ConvChannelPadding.Variable} in the environment overrides it");
        return 0;
    }
}
