using TorchSharp;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Runtime;

/// <summary>
/// The one place that starts libtorch. <c>torch.InitializeDeviceType</c> must be the first TorchSharp call in a
/// process or notebook kernel (a first call into torch.nn fails to find LibTorchSharp), so every entry point calls
/// <see cref="Initialize"/> first. Device: $ZFVIZ_DEVICE (cpu | cuda | auto), default auto = CUDA when this build
/// uses the CUDA libtorch and a GPU is present. Threads: $ZFVIZ_THREADS, default libtorch's choice (one per core).
/// Before libtorch loads it applies this machine's numerics verdict (<see cref="NumericsGuard"/>: a oneDNN ISA cap
/// where libtorch's default convolutions are wrong on this CPU), OpenMP's passive wait and huge pages for large tensors.
/// </summary>
public static class TorchRuntime
{
    public const string DeviceVariable = "ZFVIZ_DEVICE";
    public const string ThreadsVariable = "ZFVIZ_THREADS";

    /// <summary>The libtorch flavour this library was built against (-p:ZfVizTorch=cpu|cuda).</summary>
#if ZFVIZ_CUDA
    public const string Backend = "cuda";
#else
    public const string Backend = "cpu";
#endif

    static readonly object Gate = new();
    static torch.Device? device;

    /// <summary>The device chosen by <see cref="Initialize"/>.</summary>
    public static torch.Device Device => device ?? Initialize();

    public static torch.Device Initialize(string? requested = null)
    {
        lock (Gate)
        {
            if (device is not null) return device;
            bool fromEnvironment = requested is null;
            requested ??= Environment.GetEnvironmentVariable(DeviceVariable);
            string? subject = fromEnvironment ? $"${DeviceVariable}" : null;
            var want = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
            if (want is not ("auto" or "cpu" or "cuda"))
                throw new UserInputException($"Unknown device '{requested}'. Use cpu, cuda or auto (set {DeviceVariable}).", subject);
            if (want == "cuda" && Backend != "cuda")
                throw new UserInputException(
                    "CUDA was requested but this build uses the CPU libtorch. Rebuild with: ZFVIZ_TORCH=cuda ./setup.sh", subject);
            int? threads = ThreadsFromEnvironment(); // checked before libtorch loads: a bad value fails at once

            NumericsGuard.Apply(); // before libtorch loads: CPU convolutions run on every build
            OpenMpPolicy.PreferPassiveWait(); // before libtorch loads; see OpenMpPolicy
            HugePagePolicy.PreferHugePages(); // before libtorch loads; see HugePagePolicy
            var type = Backend == "cuda" && want != "cpu" ? DeviceType.CUDA : DeviceType.CPU;
            torch.InitializeDeviceType(type);
            if (type == DeviceType.CUDA && !torch.cuda.is_available())
            {
                if (want == "cuda") throw new UserInputException("CUDA was requested but no GPU is visible to libtorch.", subject);
                type = DeviceType.CPU;
            }
            if (threads is { } n) torch.set_num_threads(n);
            device = new torch.Device(type);
            return device;
        }
    }

    public static int Threads => torch.get_num_threads();

    /// <summary>$ZFVIZ_THREADS as a thread count (null when unset); anything but a positive integer is the user's error.</summary>
    public static int? ThreadsFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
            return n;
        throw new UserInputException($"'{text}' is not a thread count; set it to a positive integer (e.g. {ThreadsVariable}=4) or unset it.", $"${ThreadsVariable}");
    }
}
