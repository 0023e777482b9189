using System.CommandLine;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz preprocess: a photo -> the ImageNet ResNet-18's input [1,3,224,224] float32 .npy (shorter side to 256,
/// centre crop 224, then the package's preprocessing graph: RGB to BGR, minus the mean image on 0..255 values).
/// </summary>
public static class PreprocessCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Network whose input to produce ({FeaturesCommand.ResNet18ImageNet})", DefaultValueFactory = _ => FeaturesCommand.ResNet18ImageNet };
        var image = new Option<string>("--image") { Description = "A photo (jpg, png, ...)", Required = true };
        var output = new Option<string>("--out") { Description = "X.npy: float32 [1,3,224,224]", Required = true };
        var cmd = new Command("preprocess", "Turn a photo into the network's input (resize, centre crop, BGR, minus the mean image) as .npy") { model, image, output };
        cmd.SetAction(r =>
        {
            FeaturesCommand.CheckModel(r.GetValue(model));
            var path = r.GetValue(image)!;
            var outPath = r.GetValue(output)!;
            OutputPath.CheckFile(outPath, "--out", path);
            TorchRuntime.Initialize();
            using var rgb = ResNet18Preprocessing.LoadRgb(path); // the user's photo is checked before the package is loaded
            using var prep = ResNet18Preprocessing.Load();
            using var x = prep.Apply(rgb).unsqueeze(0);
            Npy.Write(outPath, x);
            Console.WriteLine($"{path} -> {outPath} [1,3,224,224] float32");
            return 0;
        });
        return cmd;
    }
}
