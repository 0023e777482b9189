using TorchSharp;

namespace ZfViz.Tests.Memory;

/// <summary>
/// Tensors created minus tensors disposed on this thread (TorchSharp's own count). A tensor left to the GC's
/// finalizer is disposed on the finalizer thread, so it stays counted here: a difference of zero around a call means
/// the call disposed everything it made that it did not return.
/// </summary>
static class LiveTensors
{
    public static long Count => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    /// <summary>How many tensors made by <paramref name="action"/> are still alive after it returns.</summary>
    public static long LeftBy(Action action)
    {
        long before = Count;
        action();
        return Count - before;
    }
}
