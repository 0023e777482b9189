namespace ZfViz.Runtime.Numerics;

/// <summary>
/// Applies this machine's numerics verdict before libtorch loads: TorchRuntime.Initialize calls <see cref="Apply"/>
/// first in every process and notebook kernel. ONEDNN_MAX_CPU_ISA in the environment overrides the verdict. Where there
/// is no verdict for this CPU and libtorch yet, it runs the check once (in child processes) and saves it.
/// </summary>
public static class NumericsGuard
{
    /// <summary>What the guard did in this process (null until <see cref="Apply"/> ran).</summary>
    public static NumericsStatus? Status { get; private set; }

    public static NumericsStatus Apply()
    {
        var path = NumericsSettings.DefaultPath;
        if (Environment.GetEnvironmentVariable(NumericsDoctor.IsaVariable) is { Length: > 0 } set)
            return Status = new NumericsStatus(NumericsState.Overridden, set, null, path);

        var settings = NumericsSettings.Load(path);
        if (settings is null || !settings.IsFor(NumericsDoctor.CpuIdentity(), NumericsDoctor.TorchSharpVersion))
        {
            if (NumericsDoctor.FindCli() is not { } cli)
            {
                Console.Error.WriteLine($"zfviz: warning: this CPU's convolutions are not checked ({path} has no verdict for it). Run 'zfviz doctor'.");
                return Status = new NumericsStatus(NumericsState.Unchecked, null, null, path);
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
        if (settings.OnednnMaxCpuIsa is { } isa)
        {
            NativeEnvironment.Set(NumericsDoctor.IsaVariable, isa);
            return Status = new NumericsStatus(NumericsState.Capped, isa, settings, path);
        }
        return Status = new NumericsStatus(NumericsState.DefaultVerified, null, settings, path);
    }
}
