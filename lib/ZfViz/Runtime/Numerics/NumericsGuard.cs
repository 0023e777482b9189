namespace ZfViz.Runtime.Numerics;

/// <summary>
/// Applies this machine's numerics verdict before libtorch loads: TorchRuntime.Initialize calls <see cref="Apply"/>
/// first in every process and notebook kernel. ONEDNN_MAX_CPU_ISA or ZFVIZ_CONV_PADDING in the environment overrides
/// the verdict (either one set: the other takes its default, no cap or no padding). Where there
/// is no verdict for this CPU and libtorch yet, it runs the check once (in child processes) and saves it.
/// </summary>
public static class NumericsGuard
{
    /// <summary>What the guard did in this process (null until <see cref="Apply"/> ran).</summary>
    public static NumericsStatus? Status { get; private set; }

    public static NumericsStatus Apply()
    {
        var path = NumericsSettings.DefaultPath;
        var isaSet = Environment.GetEnvironmentVariable(NumericsDoctor.IsaVariable) is { Length: > 0 } i ? i : null;
        var padSet = Environment.GetEnvironmentVariable(ConvChannelPadding.Variable) switch
        {
            null or "" => (bool?)null,
            "1" => true,
            "0" => false,
            var other => throw new UserInputException($"must be 1 (pad odd channel counts) or 0, not '{other}'.", "$" + ConvChannelPadding.Variable),
        };
        if (isaSet is not null || padSet is not null)
        {
            ConvChannelPadding.Enabled = padSet ?? false;
            return Status = new NumericsStatus(NumericsState.Overridden, isaSet, ConvChannelPadding.Enabled, null, path);
        }

        var settings = NumericsSettings.Load(path);
        if (settings is null || !settings.IsFor(NumericsDoctor.CpuIdentity(), NumericsDoctor.TorchSharpVersion))
        {
            if (NumericsDoctor.FindCli() is not { } cli)
            {
                Console.Error.WriteLine($"zfviz: warning: this CPU's convolutions are not checked ({path} has no verdict for it). Run 'zfviz doctor'.");
                return Status = new NumericsStatus(NumericsState.Unchecked, null, false, null, path);
            }
            Console.Error.WriteLine(
                $"zfviz: checking this CPU's convolutions against float64 once ('zfviz doctor'; the verdict goes to {path})...");
            settings = NumericsDoctor.Check(cli);
            try { settings.Save(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"zfviz: warning: could not save the numerics verdict to {path}: {e.Message}");
            }
        }
        if (!settings.Float32Verified) throw new UnsafeNumericsException(settings, path);
        if (settings.OnednnMaxCpuIsa is { } isa) NativeEnvironment.Set(NumericsDoctor.IsaVariable, isa);
        ConvChannelPadding.Enabled = settings.PadChannels;
        return Status = NumericsStatus.From(settings, path);
    }
}
