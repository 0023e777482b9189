using TorchSharp;

namespace ZfViz.Data;

/// <summary>One batch read from a data set: the indices asked for, their uint8 images [n,C,H,W] and int64 labels [n].
/// The <see cref="BatchReader"/> owns the tensors and frees them when the next batch is asked for.</summary>
public sealed record DataBatch(long[] Indices, torch.Tensor Images, torch.Tensor Labels)
{
    public int Count => Indices.Length;
}
