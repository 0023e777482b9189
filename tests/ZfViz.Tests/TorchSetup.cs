using System.Runtime.CompilerServices;
using ZfViz.Runtime;

// Tests run one at a time. TorchSharp frees the temporary Scalars of expressions like `x * 2f` in finalizers, and a
// collection triggered by one test could free a Scalar that another test's native call was still reading (the host
// aborted about once in eight full runs); the library's hot paths now pass held Scalars (Runtime.HeldScalars) instead.
// With classes in parallel, two full runs passed and a third aborted in LinearProbe inside TorchSharp's LBFGS, whose
// inner loop makes Scalars we cannot hold; LinearProbe now runs its own L-BFGS (Analysis/Lbfgs.cs) in managed code.
// Test bodies' temporary tensors are held by a per-test dispose scope (HoldTestTensors.cs: a freed temporary aborted
// the 8th of 20 serial runs). Their temporary Scalars are not (TorchSharp 0.107's scopes do not track Scalars), and a
// collection triggered by a parallel test is what frees them mid-call, so parallel runs stay off. The collections below
// mark what may never run beside other tests: SharedTorchState, TrainingCollection, ConsoleCapture.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ZfViz.Tests;

static class TorchSetup
{
    // torch.InitializeDeviceType must be the first TorchSharp call in the process; tests run on the CPU.
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize("cpu");
}
