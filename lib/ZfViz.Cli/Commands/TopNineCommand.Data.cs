namespace ZfViz.Cli.Commands;

public static partial class TopNineCommand
{
    static int RunOnData(string preset, string? weights, string data, string? layers, int features, int k, string? output, int? limit, bool json) =>
        throw new NotSupportedException("--data needs the data-set registry (not merged yet).");
}
