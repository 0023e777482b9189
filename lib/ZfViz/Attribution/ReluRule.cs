namespace ZfViz.Attribution;

/// <summary>
/// What a ReLU does to a signal g coming down, when its forward input was x. The three methods differ only here
/// (Springenberg et al. 2015): everything else (convolutions, pooling switches, batch norm, the residual adds) is
/// ordinary back-propagation.
/// </summary>
public enum ReluRule
{
    /// <summary>g * [x &gt; 0]: the true gradient (Simonyan et al. 2014's saliency).</summary>
    Gradient,
    /// <summary>relu(g), ignoring x: Zeiler &amp; Fergus's deconvnet (the signal is rectified, the forward mask is not used).</summary>
    Deconvnet,
    /// <summary>relu(g) * [x &gt; 0]: guided back-propagation, both masks.</summary>
    Guided,
}
