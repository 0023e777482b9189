using System.CommandLine;
using ZfViz.Cli.Commands;

// zfviz: the command-line face of the ZFViz library. Each command is a thin wrapper over one library call.
var root = new RootCommand("ZFViz: reproduce Zeiler & Fergus 2014 (deconvnet, top-9 projections, invariance, occlusion, ...)");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(FixTorchCommand.Create());
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ProjectCommand.Create());
root.Subcommands.Add(TopNineCommand.Create());
root.Subcommands.Add(BenchDeconvCommand.Create());
root.Subcommands.Add(BenchMemoryCommand.Create());
root.Subcommands.Add(FeaturesCommand.Create());
root.Subcommands.Add(PreprocessCommand.Create());
root.Subcommands.Add(NotebooksCommand.Create());
root.Subcommands.Add(OcclusionCommand.Create());
root.Subcommands.Add(ModelSizeCommand.Create());
return CliRunner.Invoke(root, args);
