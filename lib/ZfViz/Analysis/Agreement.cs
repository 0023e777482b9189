namespace ZfViz.Analysis;

/// <summary>How a measured difference reads against the direction the paper reports (<see cref="PaperComparison.Compare"/>).</summary>
public enum Agreement
{
    /// <summary>The difference goes the paper's way by more than the margin.</summary>
    AsPaper,
    /// <summary>It goes the other way by more than the margin.</summary>
    UnlikePaper,
    /// <summary>Within the margin: run-to-run variation, call them equal.</summary>
    Same,
}
