using ZfViz.Notebook;

namespace ZfViz.Tests.Notebook;

public class NotebookSessionQuietTests
{
    /// <summary>Stands in for Roslyn's immutable ScriptOptions: WithWarningLevel returns a changed copy.</summary>
    sealed class FakeScriptOptions(int level)
    {
        public int WarningLevel { get; } = level;
        public FakeScriptOptions WithWarningLevel(int l) => new(l);
    }

    class FakeKernelBase { private FakeScriptOptions _scriptOptions = new(4); public int Level => _scriptOptions.WarningLevel; }
    sealed class FakeCSharpKernel : FakeKernelBase;

    [Fact]
    public void TheKernelsScriptOptionsGetWarningLevelOneAndAnythingElseIsLeftAlone()
    {
        var kernel = new FakeCSharpKernel();
        Assert.True(NotebookSession.QuietAssemblyUnificationWarnings(kernel));
        Assert.Equal(1, kernel.Level);
        Assert.False(NotebookSession.QuietAssemblyUnificationWarnings(new object()));
    }
}
