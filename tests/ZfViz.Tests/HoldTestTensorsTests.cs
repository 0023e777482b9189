using TorchSharp;

namespace ZfViz.Tests;

public sealed class HoldTestTensorsTests
{
    [Fact]
    public void ATestBodysTensorsAreHeldByAScopeThatDoesNotDisposeThem()
    {
        var held = HoldTestTensorsAttribute.Current;
        Assert.NotNull(held);
        var made = torch.zeros(3);
        Assert.True(held.Contains(made)); // held: a finalizer cannot free it during a native call in this test
        torch.Tensor moved;
        using (var inner = torch.NewDisposeScope())
            moved = torch.ones(2).MoveToOuterDisposeScope(); // a library call's result lands in the test's scope
        Assert.True(held.Contains(moved));
        made.Dispose();
        Assert.False(held.Contains(made)); // disposing it takes it out
        Assert.False(moved.IsInvalid);
    }
}
