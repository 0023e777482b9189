namespace ZfViz.Analysis;

/// <summary>How much lower p(correct) is with the square at the centre than on the border (<see cref="OcclusionCentreBorder.Verdict"/>).</summary>
public enum CentreDrop
{
    /// <summary>Clearly lower at the centre: the network relies on the object (the paper's finding).</summary>
    Clear,
    /// <summary>Only slightly lower: a weak version of the finding.</summary>
    Slight,
    /// <summary>About the same: no sign of the finding.</summary>
    None,
    /// <summary>Higher at the centre: the finding is not reproduced.</summary>
    Reversed,
}
