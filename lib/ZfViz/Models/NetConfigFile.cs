using System.Text.Json;

namespace ZfViz.Models;

/// <summary>
/// Reads a network config a user wrote or copied: a JSON file in the format of a run folder's <c>config.json</c>
/// (<see cref="NetConfig.ToJson"/>). Stricter than <see cref="NetConfig.FromJson"/>, because a hand-edited file is
/// where typos happen: unknown fields are rejected (a misspelt "Strde" would otherwise silently become stride 1),
/// the sizes that have no sensible default (InputSize, InputChannels, Convs, Fc6, Fc7, Classes; Filters and Kernel of
/// every conv) must be present, and every problem is a <see cref="UserInputException"/> naming the file.
/// Optional: Name (default: the file name without .json), Dropout (0.5), Norm (the paper's constants), and per conv
/// Stride (1), Padding (0), Groups (1), Pool (none; Size and Stride required when given, Padding 0), ContrastNorm and
/// Removed (false). FlattenedFeatures, which ToJson writes, is derived and ignored. Field names are matched
/// case-insensitively.
/// </summary>
public static class NetConfigFile
{
    // FlattenedFeatures is derived (ToJson writes it); it is accepted and ignored, so a copied config.json whose filters
    // were edited still reads.
    static readonly string[] TopFields = ["Name", "InputSize", "InputChannels", "Convs", "Fc6", "Fc7", "Dropout", "Classes", "Norm", "FlattenedFeatures"];
    static readonly string[] TopRequired = ["InputSize", "InputChannels", "Convs", "Fc6", "Fc7", "Classes"];
    static readonly string[] ConvFields = ["Filters", "Kernel", "Stride", "Padding", "Groups", "Pool", "ContrastNorm", "Removed"];
    static readonly string[] ConvRequired = ["Filters", "Kernel"];
    static readonly string[] PoolFields = ["Size", "Stride", "Padding"];
    static readonly string[] PoolRequired = ["Size", "Stride"];
    static readonly string[] NormFields = ["Size", "Alpha", "Beta", "K"];

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The validated config in <paramref name="path"/>; anything wrong is a UserInputException with the path as subject.</summary>
    public static NetConfig Read(string path)
    {
        if (Directory.Exists(path)) throw new UserInputException("is a folder, not a network config JSON file.", path);
        if (!File.Exists(path)) throw new UserInputException("no such network config file.", path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new UserInputException($"cannot be read: {e.Message}", path, e); }
        return Parse(text, path);
    }

    /// <summary>Parses config JSON text; <paramref name="source"/> (a path) names it in errors and gives the default Name.</summary>
    public static NetConfig Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new UserInputException($"not valid JSON: {e.Message}", source, e); }
        using (doc)
        {
            var root = doc.RootElement;
            CheckObject(root, "the file", TopFields, TopRequired, source);
            var convs = Property(root, "Convs")!.Value;
            if (convs.ValueKind != JsonValueKind.Array || convs.GetArrayLength() == 0)
                throw new UserInputException("'Convs' must be a non-empty array of conv layers ({\"Filters\": 96, \"Kernel\": 7, ...}).", source);
            int i = 0;
            foreach (var conv in convs.EnumerateArray())
            {
                string where = $"Convs[{i}] ({NetConfig.ConvName(i)})";
                CheckObject(conv, where, ConvFields, ConvRequired, source);
                if (Property(conv, "Pool") is { ValueKind: not JsonValueKind.Null } pool) CheckObject(pool, $"{where}.Pool", PoolFields, PoolRequired, source);
                i++;
            }
            if (Property(root, "Norm") is { ValueKind: not JsonValueKind.Null } norm) CheckObject(norm, "Norm", NormFields, [], source);

            NetConfig config;
            try { config = root.Deserialize<NetConfig>(Options) ?? throw new UserInputException("the config is null.", source); }
            catch (JsonException e) { throw new UserInputException($"a value has the wrong type: {e.Message}", source, e); }
            if (Property(root, "Name") is not { ValueKind: JsonValueKind.String })
                config = config with { Name = Path.GetFileNameWithoutExtension(source) };
            if (Property(root, "Norm") is null or { ValueKind: JsonValueKind.Null }) config = config with { Norm = new NormSpec() };
            if (string.IsNullOrWhiteSpace(config.Name)) throw new UserInputException("'Name' must not be empty.", source);
            try { return config.Validate(); }
            catch (UserInputException e) when (e.Subject is null) { throw new UserInputException($"impossible network: {e.Message}", source, e); }
        }
    }

    static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (var p in obj.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    static void CheckObject(JsonElement element, string where, string[] known, string[] required, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new UserInputException($"{where} must be a JSON object; got {element.ValueKind.ToString().ToLowerInvariant()}.", source);
        foreach (var p in element.EnumerateObject())
            if (!known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                throw new UserInputException($"{where} has an unknown field '{p.Name}'; the fields are {string.Join(", ", known)}.", source);
        var missing = required.Where(r => Property(element, r) is null or { ValueKind: JsonValueKind.Null }).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"{where} lacks {string.Join(", ", missing.Select(m => $"'{m}'"))} (see the config.json of a run folder for the format).", source);
    }
}
