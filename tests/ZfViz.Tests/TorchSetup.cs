using System.Runtime.CompilerServices;
using ZfViz.Runtime;

// One test at a time. TorchSharp frees the temporary Scalars of expressions like `x * 2f` in finalizers; with tests
// on several threads a garbage collection triggered by one test can finalize a Scalar that another test's native
// call is still using, and the test host aborts (seen about once in eight full runs). Serial runs avoid that race.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ZfViz.Tests;

static class TorchSetup
{
    // torch.InitializeDeviceType must be the first TorchSharp call in the process; tests run on the CPU.
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize("cpu");
}
