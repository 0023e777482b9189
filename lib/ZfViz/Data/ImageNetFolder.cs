using System.Text.RegularExpressions;

namespace ZfViz.Data;

/// <summary>
/// ILSVRC-2012 as users keep it: <c>root/train/&lt;wnid&gt;/*.JPEG</c>, and the validation images either foldered the
/// same way (<c>root/val/&lt;wnid&gt;/*.JPEG</c>) or flat in <c>root/val/</c> with a label list beside them:
/// <c>LOC_val_solution.csv</c> (Kaggle: <c>ImageId,PredictionString</c> whose first word is the wnid),
/// <c>val_labels.txt</c> or <c>val.txt</c> (one <c>FILE WNID</c> or <c>FILE INDEX</c> line per image; an index counts
/// in wnid order from 0, the standard class index). Classes are the training folders' wnids in ordinal order, so
/// labels match the standard 0..999 of a full copy. A label list that disagrees with the files, or a validation
/// class with no training folder, is an error naming both.
/// </summary>
public static partial class ImageNetFolder
{
    public static readonly IReadOnlyList<string> Splits = ["train", "val"];

    /// <summary>Label lists looked for, in this order, in <c>root/</c> and <c>root/val/</c>.</summary>
    public static readonly IReadOnlyList<string> LabelLists = ["LOC_val_solution.csv", "val_labels.txt", "val.txt"];

    [GeneratedRegex("^n[0-9]{8}$")]
    private static partial Regex WnidPattern();

    /// <summary>The synsets: the wnid folders of <c>root/train</c>, in ordinal order (position = label).</summary>
    public static IReadOnlyList<string> Synsets(string root)
    {
        var train = Path.Combine(root, "train");
        if (!Directory.Exists(train))
            throw new UserInputException("no train/ folder: expected the ILSVRC-2012 layout train/<wnid>/*.JPEG (see README, Data).", root);
        var folders = Directory.GetDirectories(train).Select(Path.GetFileName).OfType<string>()
            .Where(f => !f.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (folders.FirstOrDefault(f => !WnidPattern().IsMatch(f)) is { } odd)
            throw new UserInputException($"'{odd}' is not a WordNet id (n followed by 8 digits); train/ must hold only class folders named by wnid.", train);
        if (folders.Count == 0) throw new UserInputException("train/ has no class folders (expected train/<wnid>/*.JPEG).", train);
        return folders;
    }

    /// <summary>The image files of a split and their labels, without decoding.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<long> Labels, IReadOnlyList<string> Synsets) Scan(string root, string split)
    {
        if (!Splits.Contains(split)) throw new UserInputException($"ImageNet has splits train and val; got '{split}'.", "--split");
        var synsets = Synsets(root);
        var index = synsets.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => (long)p.i, StringComparer.Ordinal);
        var dir = Path.Combine(root, split);
        if (!Directory.Exists(dir)) throw new UserInputException($"no {split}/ folder.", root);

        var classFolders = Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>().Where(f => !f.StartsWith('.')).ToList();
        if (split == "train" || classFolders.Count > 0)
        {
            var files = new List<string>();
            var labels = new List<long>();
            foreach (var folder in classFolders.Order(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(folder, out var label))
                    throw new UserInputException(
                        $"class folder '{folder}' has no synset folder train/{folder}: the splits disagree on the classes.", Path.Combine(dir, folder));
                foreach (var f in ImageFiles(Path.Combine(dir, folder))) { files.Add(f); labels.Add(label); }
            }
            return (files, labels, synsets);
        }
        return ScanFlatVal(root, dir, synsets, index);
    }

    static (IReadOnlyList<string>, IReadOnlyList<long>, IReadOnlyList<string>) ScanFlatVal(
        string root, string dir, IReadOnlyList<string> synsets, IReadOnlyDictionary<string, long> index)
    {
        var list = LabelLists.SelectMany(n => new[] { Path.Combine(root, n), Path.Combine(dir, n) }).FirstOrDefault(File.Exists)
                   ?? throw new UserInputException(
                       $"val/ holds no class folders and no label list ({string.Join(", ", LabelLists)}) is beside it: cannot label the validation images.", dir);
        var listed = new Dictionary<string, long>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in File.ReadLines(list))
        {
            lineNo++;
            var text = line.Trim();
            if (text.Length == 0 || (lineNo == 1 && text.StartsWith("ImageId", StringComparison.Ordinal))) continue;
            var parts = Path.GetFileName(list) == "LOC_val_solution.csv"
                ? text.Split(',', 2) is [var id, var boxes] ? [id, boxes.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? ""] : [text]
                : text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new UserInputException($"line {lineNo}: expected 'FILE WNID' or 'FILE INDEX', got '{text}'.", list);
            var file = Path.HasExtension(parts[0]) ? parts[0] : parts[0] + ".JPEG";
            long label;
            if (index.TryGetValue(parts[1], out var byWnid)) label = byWnid;
            else if (long.TryParse(parts[1], out var i) && i >= 0 && i < synsets.Count) label = i;
            else if (WnidPattern().IsMatch(parts[1]))
                throw new UserInputException($"line {lineNo}: {file} is labelled {parts[1]}, which has no synset folder train/{parts[1]}.", list);
            else
                throw new UserInputException($"line {lineNo}: label '{parts[1]}' is neither a wnid nor a class index 0..{synsets.Count - 1}.", list);
            if (!listed.TryAdd(file, label)) throw new UserInputException($"line {lineNo}: {file} is listed twice.", list);
        }
        var present = ImageFiles(dir).ToDictionary(f => Path.GetFileName(f), StringComparer.Ordinal);
        if (listed.Keys.FirstOrDefault(f => !present.ContainsKey(f)) is { } missing)
            throw new UserInputException(
                $"the label list disagrees with the files: it lists {missing}, which is not in {dir} ({listed.Count(p => !present.ContainsKey(p.Key))} listed files are missing).", list);
        if (present.Keys.FirstOrDefault(f => !listed.ContainsKey(f)) is { } unlisted)
            throw new UserInputException(
                $"the label list disagrees with the files: {Path.Combine(dir, unlisted)} is not in it ({present.Keys.Count(f => !listed.ContainsKey(f))} images are unlisted).", list);
        var ordered = listed.Keys.Order(StringComparer.Ordinal).ToList();
        return (ordered.Select(f => present[f]).ToList(), ordered.Select(f => listed[f]).ToList(), synsets);
    }

    static IEnumerable<string> ImageFiles(string dir) =>
        Directory.GetFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.') && ImageDecoder.HasImageExtension(f)).Order(StringComparer.Ordinal);

    /// <summary>Decodes a split (in parallel; undecodable files are skipped and reported).</summary>
    public static FolderLoadResult Load(string root, string split, ImagePreprocessing prep)
    {
        var (files, labels, synsets) = Scan(root, split);
        if (files.Count == 0) throw new UserInputException($"no images in {split}/.", root);
        return ImageFolder.DecodeFiles(files, labels, synsets, prep, "imagenet");
    }
}
