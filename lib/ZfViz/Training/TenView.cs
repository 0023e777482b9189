using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// The paper's 10-view test (Sec. 3): the 4 corner crops and the centre crop, each with and without horizontal flip;
/// the softmax outputs of the 10 views are averaged. For inputs already at the network's size (CIFAR 32x32) the image
/// is first zero-padded by the training crop padding (zero = the mean colour after mean subtraction), so the views
/// are the extreme and central positions of the training crops.
/// </summary>
public static class TenView
{
    public const int Count = 10;

    /// <summary>The 10 views of a float batch [N,C,H,W] as [10N,C,crop,crop], view-major (view v of image i at v*N+i).
    /// Order: top-left, top-right, bottom-left, bottom-right, centre, then the same five flipped.</summary>
    public static Tensor Views(Tensor batch, int crop)
    {
        long h = batch.shape[2], w = batch.shape[3];
        if (crop > h || crop > w) throw new ArgumentException($"10-view crop {crop} is larger than the {h}x{w} images.");
        int dy = (int)h - crop, dx = (int)w - crop;
        using var scope = NewDisposeScope();
        var offsets = new[] { (0, 0), (0, dx), (dy, 0), (dy, dx), (dy / 2, dx / 2) };
        var views = offsets.Select(o => batch[.., .., o.Item1..(o.Item1 + crop), o.Item2..(o.Item2 + crop)]).ToList();
        views.AddRange(views.Select(v => v.flip(3)).ToList());
        return cat(views, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Pads by <paramref name="padding"/> (zeros) and takes 10 views of the original size.</summary>
    public static Tensor PaddedViews(Tensor batch, int padding)
    {
        using var scope = NewDisposeScope();
        var padded = padding > 0 ? nn.functional.pad(batch, [padding, padding, padding, padding]) : batch;
        return Views(padded, (int)batch.shape[2]).MoveToOuterDisposeScope();
    }

    /// <summary>Average of softmax(logits) over the 10 views: <paramref name="forward"/> maps [10N,...] to logits [10N,K]; returns [N,K].</summary>
    public static Tensor AverageProbabilities(Func<Tensor, Tensor> forward, Tensor batch, int padding)
    {
        using var scope = NewDisposeScope();
        long n = batch.shape[0];
        var probs = nn.functional.softmax(forward(PaddedViews(batch, padding)), 1);
        return probs.view(Count, n, -1).mean([0]).MoveToOuterDisposeScope();
    }
}
