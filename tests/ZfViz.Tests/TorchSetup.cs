using System.Runtime.CompilerServices;
using ZfViz.Runtime;

namespace ZfViz.Tests;

static class TorchSetup
{
    // torch.InitializeDeviceType must be the first TorchSharp call in the process; tests run on the CPU.
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize("cpu");
}
