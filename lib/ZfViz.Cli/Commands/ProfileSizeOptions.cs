using System.CommandLine;
using Profile = ZfViz.Runtime.Profile;

namespace ZfViz.Cli.Commands;

/// <summary>
/// The options that size a training run, shared by the commands that train: --profile picks the defaults
/// (else $ZFVIZ_PROFILE), and --epochs, --batch, --train-images and --eval-images override them one by one.
/// </summary>
public sealed class ProfileSizeOptions
{
    public Option<string?> Profile { get; } = new("--profile") { Description = "quick | course | paper | paper-smoke: sizes (default: $ZFVIZ_PROFILE, else course)" };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Epochs (default: the profile's)" };
    public Option<int?> Batch { get; } = new("--batch") { Description = "Mini-batch size (default: the profile's; paper 128)" };
    public Option<int?> TrainImages { get; } = new("--train-images") { Description = "Use a class-balanced subset of N training images (default: the profile's)" };
    public Option<int?> EvalImages { get; } = new("--eval-images") { Description = "Use a class-balanced subset of N test images (default: the profile's)" };

    /// <summary>The chosen profile with the given overrides applied.</summary>
    public Profile Resolve(ParseResult r)
    {
        var p = r.GetValue(Profile) is { } name ? ZfViz.Runtime.Profile.Parse(name) : ZfViz.Runtime.Profile.FromEnvironment();
        AtLeastOne(r.GetValue(Epochs), "--epochs");
        AtLeastOne(r.GetValue(Batch), "--batch");
        AtLeastOne(r.GetValue(TrainImages), "--train-images");
        AtLeastOne(r.GetValue(EvalImages), "--eval-images");
        return p with
        {
            TrainImages = r.GetValue(TrainImages) ?? p.TrainImages,
            EvalImages = r.GetValue(EvalImages) ?? p.EvalImages,
            Epochs = r.GetValue(Epochs) ?? p.Epochs,
            BatchSize = r.GetValue(Batch) ?? p.BatchSize,
        };
    }

    static void AtLeastOne(int? value, string option)
    {
        if (value is < 1) throw new UserInputException($"must be at least 1; got {value}.", option);
    }
}
