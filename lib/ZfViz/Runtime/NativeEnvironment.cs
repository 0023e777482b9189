using System.Runtime.InteropServices;

namespace ZfViz.Runtime;

/// <summary>
/// Sets a variable in the process's native environment as well as .NET's. Native libraries (libtorch, its OpenMP and
/// oneDNN) read getenv, which does not see Environment.SetEnvironmentVariable on Linux and macOS; they read it once,
/// when they load, so call this before the first TorchSharp call.
/// </summary>
public static class NativeEnvironment
{
    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    static extern int SetEnv(string name, string value, int overwrite);

    public static void Set(string name, string value)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            try { SetEnv(name, value, 1); } catch (DllNotFoundException) { } catch (EntryPointNotFoundException) { }
        }
        Environment.SetEnvironmentVariable(name, value);
    }
}
