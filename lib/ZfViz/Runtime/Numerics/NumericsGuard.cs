namespace ZfViz.Runtime.Numerics;

/// <summary>
/// Applies this machine's numerics verdict before libtorch loads: TorchRuntime.Initialize calls <see cref="Apply"/>
/// first in every process and notebook kernel. ONEDNN_MAX_CPU_ISA, ZFVIZ_CONV_PADDING or ZFVIZ_CONV_LAYOUT in the
/// environment overrides the verdict (any one set: the others take their defaults, no cap, no padding, tensors' own
/// layout). Where there
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
        var layoutText = Environment.GetEnvironmentVariable(ConvChannelPadding.LayoutVariable) is { Length: > 0 } l ? l : null;
        var layoutSet = layoutText is null ? (ConvLayout?)null : ConvLayouts.Parse(layoutText, "$" + ConvChannelPadding.LayoutVariable);
        if (isaSet is not null || padSet is not null || layoutSet is not null)
        {
            ConvChannelPadding.Enabled = padSet ?? false;
            ConvChannelPadding.Layout = layoutSet ?? ConvLayout.Default;
            return Status = new NumericsStatus(NumericsState.Overridden, isaSet, ConvChannelPadding.Enabled, null, path, ConvChannelPadding.Layout);
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
        ConvChannelPadding.Layout = settings.Layout;
        return Status = NumericsStatus.From(settings, path);
    }
}
