using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZfViz.Analysis;

/// <summary>
/// The hand-placed dog face landmarks (DogLandmarks.json, embedded in the assembly): frontal dogs among the ImageNet
/// sample photos with eye and nose centres in the 224x224 network input of
/// <see cref="Models.ResNet18Preprocessing.LoadRgb"/> (orientation, shorter side to 256, centre crop), so no
/// coordinate conversion is needed. The photos themselves are not part of the repository.
/// </summary>
public static class DogLandmarks
{
    public const string ResourceName = "ZfViz.Analysis.DogLandmarks.json";

    /// <summary>The embedded annotation.</summary>
    public static IReadOnlyList<DogFace> Load()
    {
        using var stream = typeof(DogLandmarks).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly lacks the embedded resource {ResourceName}; rebuild ZfViz.Core.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), ResourceName);
    }

    /// <summary>
    /// Parses the annotation format: {"imageSize": 224, "dogs": [{"file": ..., "rightEye": [x,y], "leftEye": [x,y],
    /// "nose": [x,y]}, ...]}. Every point must lie inside imageSize x imageSize; errors name <paramref name="source"/>.
    /// </summary>
    public static IReadOnlyList<DogFace> Parse(string json, string source)
    {
        InvalidDataException Bad(string what) => new($"{source}: {what}.");
        JsonNode root;
        try
        {
            root = JsonNode.Parse(json) ?? throw Bad("empty document");
        }
        catch (JsonException e)
        {
            throw Bad($"not valid JSON ({e.Message})");
        }
        int size = root["imageSize"]?.GetValue<int>() ?? throw Bad("no \"imageSize\"");
        var dogs = root["dogs"] as JsonArray ?? throw Bad("no \"dogs\" array");
        var faces = new List<DogFace>();
        foreach (var (dog, index) in dogs.Select((d, i) => (d, i)))
        {
            string file = dog?["file"]?.GetValue<string>() ?? throw Bad($"dog {index} has no \"file\"");
            PixelPoint Point(string key)
            {
                if (dog[key] is not JsonArray xy || xy.Count != 2) throw Bad($"{file}: \"{key}\" must be [x, y]");
                var p = new PixelPoint(xy[0]!.GetValue<int>(), xy[1]!.GetValue<int>());
                if (p.X < 0 || p.Y < 0 || p.X >= size || p.Y >= size) throw Bad($"{file}: \"{key}\" {p} lies outside the {size}x{size} image");
                return p;
            }
            faces.Add(new DogFace(file, Point("rightEye"), Point("leftEye"), Point("nose")));
        }
        if (faces.Count == 0) throw Bad("no dogs");
        var duplicate = faces.GroupBy(f => f.File).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Bad($"{duplicate.Key} is listed twice");
        return faces;
    }
}
