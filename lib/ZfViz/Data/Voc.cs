using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// PASCAL VOC 2012 classification: VOCdevkit/VOC2012/ImageSets/Main/&lt;class&gt;_&lt;split&gt;.txt (one line per image:
/// "&lt;id&gt; 1|-1|0"; 0 = only difficult objects) and JPEGImages/&lt;id&gt;.jpg, loaded into a
/// <see cref="MultiLabelDataset"/>. Splits: train, val, trainval. The 20 class files must list the same images.
/// </summary>
public static class Voc
{
    public static readonly IReadOnlyList<string> ClassNames =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    public static readonly IReadOnlyList<string> Splits = ["train", "val", "trainval"];

    /// <summary>The VOC2012 folder inside the data-set folder.</summary>
    public static string Root(string folder) => Path.Combine(folder, "VOCdevkit", "VOC2012");

    /// <summary>Image ids of a split with their targets (1/0/-1 per class), validated across the 20 class files.</summary>
    public static (string[] Ids, sbyte[,] Marks) ReadSplit(string vocRoot, string split)
    {
        if (!Splits.Contains(split)) throw new UserInputException($"VOC 2012 has splits {string.Join(", ", Splits)}; got '{split}'.");
        var main = Path.Combine(vocRoot, "ImageSets", "Main");
        if (!Directory.Exists(main)) throw new UserInputException($"{main}: VOC ImageSets/Main not found. Run data-scripts/fetch-voc2012.sh.");
        string[]? ids = null;
        Dictionary<string, int>? row = null;
        sbyte[,]? marks = null;
        for (int k = 0; k < ClassNames.Count; k++)
        {
            var file = Path.Combine(main, $"{ClassNames[k]}_{split}.txt");
            if (!File.Exists(file)) throw new UserInputException($"{file}: VOC class list not found.", file);
            var entries = new List<(string Id, sbyte Mark)>();
            int lineNo = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNo++;
                if (line.Trim().Length == 0) continue;
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || !sbyte.TryParse(parts[1], out var mark) || mark is < -1 or > 1)
                    throw new UserInputException($"{file}:{lineNo}: expected '<image id> 1|-1|0'; got '{line.Trim()}'.");
                entries.Add((parts[0], mark));
            }
            if (ids is null)
            {
                ids = entries.Select(e => e.Id).ToArray();
                row = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < ids.Length; i++)
                    if (!row.TryAdd(ids[i], i)) throw new UserInputException($"{file}: image id '{ids[i]}' listed twice.");
                marks = new sbyte[ids.Length, ClassNames.Count];
            }
            if (entries.Count != ids.Length)
                throw new UserInputException($"{file}: lists {entries.Count} images but {ClassNames[0]}_{split}.txt lists {ids.Length}; the class files disagree.");
            foreach (var (id, mark) in entries)
            {
                if (!row!.TryGetValue(id, out int r))
                    throw new UserInputException($"{file}: image id '{id}' is not in {ClassNames[0]}_{split}.txt; the class files disagree.");
                marks![r, k] = mark;
            }
        }
        return (ids!, marks!);
    }

    public static (MultiLabelDataset Data, IReadOnlyList<SkippedFile> Skipped) Load(string folder, string split, ImagePreprocessing prep)
    {
        var vocRoot = Root(folder);
        var (ids, marks) = ReadSplit(vocRoot, split);
        var files = ids.Select(id => Path.Combine(vocRoot, "JPEGImages", id + ".jpg")).ToArray();
        foreach (var f in files)
            if (!File.Exists(f)) throw new UserInputException($"{f}: image listed in ImageSets/Main/*_{split}.txt is missing.", f);
        var rows = Enumerable.Range(0, ids.Length).Select(i => (long)i).ToArray();
        var decoded = ImageFolder.DecodeFiles(files, rows, ClassNames, prep, "voc2012");
        var kept = decoded.Data.Labels.data<long>().ToArray();
        int k = ClassNames.Count;
        var targets = new float[kept.Length * k];
        var difficult = new bool[kept.Length * k];
        for (int n = 0; n < kept.Length; n++)
            for (int c = 0; c < k; c++)
            {
                targets[n * k + c] = marks[kept[n], c] == 1 ? 1f : 0f;
                difficult[n * k + c] = marks[kept[n], c] == 0;
            }
        var data = new MultiLabelDataset("voc2012", decoded.Data.Images,
            torch.tensor(targets).reshape(kept.Length, k), torch.tensor(difficult).reshape(kept.Length, k),
            kept.Select(r => ids[r]).ToArray(), ClassNames);
        decoded.Data.Labels.Dispose();
        return (data, decoded.Skipped);
    }
}
