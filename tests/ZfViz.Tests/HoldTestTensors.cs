using System.Reflection;
using TorchSharp;
using Xunit.Sdk;

[assembly: ZfViz.Tests.HoldTestTensors]

namespace ZfViz.Tests;

/// <summary>
/// Every test body runs inside a TorchSharp dispose scope that holds the tensors it makes and never disposes them:
/// at the end they are let go (detached) as if there had been no scope.
/// <para>
/// Why: TorchSharp passes a tensor's handle to native code without keeping the tensor object alive, so a temporary
/// (<c>stack(files.Select(Load))</c>, <c>a.mul(b.exp())</c>) can be finalized, and its native memory freed, while the
/// native call still reads it. That aborted the test host once in 8 full runs here (libtorch's <c>stack</c> read a
/// freed tensor in <c>FeaturesCommandTests</c>). A scope keeps a strong reference to every tensor made on the test's
/// thread until the test ends. The library's own loops run in scopes of their own; Scalars are not tracked by scopes
/// in TorchSharp 0.107, so hot paths still hold theirs (<c>Runtime.HeldScalars</c>).
/// </para>
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class HoldTestTensorsAttribute : BeforeAfterTestAttribute
{
    [ThreadStatic] static DisposeScope? scope;
    [ThreadStatic] static int depth;

    /// <summary>The scope holding the running test's tensors (this thread's).</summary>
    internal static DisposeScope? Current => scope;

    public override void Before(MethodInfo methodUnderTest)
    {
        if (depth++ == 0) scope = torch.NewDisposeScope();
    }

    public override void After(MethodInfo methodUnderTest)
    {
        if (--depth > 0) return;
        var held = scope;
        scope = null;
        if (held is null) return;
        held.Detach(held.DisposablesView.ToList()); // let go, not disposed: a test's statics (cached models) live on
        held.Dispose();
    }
}
