using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// A multi-label data set (PASCAL VOC). Shapes: <see cref="Images"/> uint8 [N,C,H,W] (as <see cref="ImageDataset"/>);
/// <see cref="Targets"/> float32 [N,K] multi-hot, 1 where class k is present in image n, else 0;
/// <see cref="Difficult"/> bool [N,K], true where class k appears only as "difficult" objects (VOC's 0 entries; their
/// target is 0, and the VOC protocol leaves them out of the average precision). <see cref="ImageIds"/>[n] names the file.
/// </summary>
public sealed record MultiLabelDataset(string Name, torch.Tensor Images, torch.Tensor Targets, torch.Tensor Difficult,
    IReadOnlyList<string> ImageIds, IReadOnlyList<string> ClassNames) : IDisposable
{
    public int Count => (int)Images.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Targets.Dispose();
        Difficult.Dispose();
    }
}
