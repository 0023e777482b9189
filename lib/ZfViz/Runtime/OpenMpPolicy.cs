namespace ZfViz.Runtime;

/// <summary>
/// libtorch's OpenMP threads spin while waiting by default; on a machine whose cores are shared with other
/// processes a spinning thread that loses its core stalls every parallel op (measured: 2-thread training of
/// zfnet-cifar varied 85..2000 images/s with the default, 930..950 with OMP_WAIT_POLICY=PASSIVE).
/// <see cref="PreferPassiveWait"/> sets OMP_WAIT_POLICY=PASSIVE in the native environment unless the user set it;
/// it only has an effect before libtorch is loaded, so TorchRuntime.Initialize calls it first.
/// </summary>
public static class OpenMpPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    public static void PreferPassiveWait()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        NativeEnvironment.Set(Variable, "PASSIVE");
    }
}
