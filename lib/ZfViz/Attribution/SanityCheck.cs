using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// Adebayo et al. 2018, "Sanity Checks for Saliency Maps": a map that explains the model must change when the model
/// does. Two measurements, both as Spearman rank correlations of heat maps (<see cref="AttributionMaps.Heat"/>):
/// <list type="bullet">
/// <item><see cref="Randomise"/>: cascading randomisation, the weights re-drawn layer by layer from the top down;</item>
/// <item><see cref="ChangeTarget"/>: the same network and image, another target.</item>
/// </list>
/// </summary>
public static class SanityCheck
{
    /// <summary>The four methods of notebook 12, in its order.</summary>
    public static IReadOnlyList<IAttributionMethod> AllMethods { get; } =
        [new DeconvnetAttribution(), new GradientSaliency(), new GuidedBackprop(), new GradCam()];

    /// <summary>
    /// Cascading randomisation: for depth d = 0, 1, ..., every layer of <see cref="AttributionModel.LayersTopDown"/> up
    /// to d is re-initialised and each method's map for the same <paramref name="targets"/> is compared with its map
    /// on the trained network. Re-initialised as Adebayo et al. do, with the network's own initialisation: the layer's
    /// parameters and buffers (batch norm statistics too) are copied from a newly built twin
    /// (<see cref="AttributionModel.NewTwin"/>, seeded). The trained state is restored afterwards, also when a method
    /// throws. <paramref name="observe"/>, if given, sees
    /// every method's result (depth -1 for the trained network) before it is disposed, e.g. to keep maps to show.
    /// </summary>
    public static RandomisationResult Randomise(AttributionModel model, IReadOnlyList<IAttributionMethod> methods, Tensor images, long[] targets,
        long seed = 0, Action<int, IAttributionMethod, Tensor>? observe = null)
    {
        var trained = methods.Select(m => Heat(m, model, images, targets, r => observe?.Invoke(-1, m, r))).ToArray();
        var layers = model.LayersTopDown;
        var saved = layers.SelectMany(l => l.State).Select(t => (Tensor: t, Copy: t.detach().clone())).ToList();
        var correlations = methods.Select(_ => new double[layers.Count][]).ToArray();
        var (twin, fresh) = model.NewTwin(seed);
        try
        {
            for (int d = 0; d < layers.Count; d++)
            {
                using (no_grad())
                    foreach (var (t, f) in layers[d].State.Zip(fresh[d].State)) t.copy_(f);
                for (int m = 0; m < methods.Count; m++)
                {
                    int depth = d;
                    var method = methods[m];
                    var random = Heat(method, model, images, targets, r => observe?.Invoke(depth, method, r));
                    correlations[m][d] = random.Select((r, i) => RankCorrelation.Spearman(trained[m][i], r)).ToArray();
                }
            }
        }
        finally
        {
            using (no_grad()) foreach (var (t, copy) in saved) t.copy_(copy);
            foreach (var (_, copy) in saved) copy.Dispose();
            twin.Dispose();
        }
        return new RandomisationResult(methods.Select(m => m.Name).ToList(), layers.Select(l => l.Name).ToList(), correlations);
    }

    /// <summary>Each method's map for <paramref name="targets"/> against its map for <paramref name="otherTargets"/>.</summary>
    public static ClassChangeResult ChangeTarget(AttributionModel model, IReadOnlyList<IAttributionMethod> methods, Tensor images, long[] targets, long[] otherTargets)
    {
        var correlations = methods.Select(m =>
        {
            var a = Heat(m, model, images, targets);
            var b = Heat(m, model, images, otherTargets);
            return a.Select((x, i) => RankCorrelation.Spearman(x, b[i])).ToArray();
        }).ToArray();
        return new ClassChangeResult(methods.Select(m => m.Name).ToList(), targets, otherTargets, correlations);
    }

    static double[][] Heat(IAttributionMethod method, AttributionModel model, Tensor images, long[] targets, Action<Tensor>? observe = null)
    {
        using var result = method.Explain(model, images, targets);
        observe?.Invoke(result);
        return AttributionMaps.HeatValues(result);
    }

    /// <summary>
    /// A reading of a rank correlation between a map and its randomised (or other-target) version: at least 0.7
    /// "barely changes", below 0.3 "changes a lot", in between "changes partly". The bounds are a convention for
    /// the notebook's sentences (Adebayo et al. read their charts by eye), not the paper's.
    /// </summary>
    public static string Reading(double rho) =>
        double.IsNaN(rho) ? "cannot be ranked (a constant map)"
        : rho >= 0.7 ? "barely changes"
        : rho >= 0.3 ? "changes partly"
        : "changes a lot";
}
