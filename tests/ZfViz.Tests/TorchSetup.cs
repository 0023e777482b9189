using System.Runtime.CompilerServices;
using ZfViz.Runtime;

// Test classes run in parallel. TorchSharp frees the temporary Scalars of expressions like `x * 2f` in finalizers, and
// a collection triggered by one test could free a Scalar that another test's native call was still reading (the host
// aborted about once in eight full runs); the library's hot paths now pass held Scalars (Runtime.HeldScalars) instead.
// Tests that depend on process-wide state (torch's global generator, environment variables, the thread count,
// Console redirection, TorchSharp's optimizers, whose internal Scalars we cannot hold) are in collections that run
// alone: SharedTorchState, TrainingCollection, ConsoleCapture.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass)]

namespace ZfViz.Tests;

static class TorchSetup
{
    // torch.InitializeDeviceType must be the first TorchSharp call in the process; tests run on the CPU.
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize("cpu");
}
