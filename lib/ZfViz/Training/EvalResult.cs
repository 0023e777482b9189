namespace ZfViz.Training;

/// <summary>Scores on a set of images: mean cross-entropy (of the averaged probabilities) and top-1/top-5 error fractions.</summary>
public sealed record EvalResult(int Count, double Loss, double Top1Error, double Top5Error)
{
    public override string ToString() => $"{Count} images: loss {Loss:F3}, top-1 error {Top1Error:P2}, top-5 error {Top5Error:P2}";
}
