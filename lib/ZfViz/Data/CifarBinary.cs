using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// The canonical CIFAR-10 binary release (cifar-10-batches-bin/): data_batch_1..5.bin (train), test_batch.bin
/// (test), batches.meta.txt (class names, one per line). Each record is 1 label byte then 3072 pixel bytes
/// (1024 red, 1024 green, 1024 blue, row-major 32x32): exactly the [C,H,W] layout of <see cref="ImageDataset"/>.
/// </summary>
public static class CifarBinary
{
    public const int Side = 32;
    public const int RecordLength = 1 + 3 * Side * Side;

    public static IReadOnlyList<string> BatchFiles(string folder, string split) => split switch
    {
        "train" => Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}.bin")).ToArray(),
        "test" => [Path.Combine(folder, "test_batch.bin")],
        _ => throw new UserInputException($"CIFAR-10 has splits train and test; got '{split}'."),
    };

    /// <summary>Class names from batches.meta.txt (non-empty lines), else the standard ten.</summary>
    public static IReadOnlyList<string> ReadClassNames(string folder)
    {
        var meta = Path.Combine(folder, "batches.meta.txt");
        if (!File.Exists(meta)) return Cifar10.ClassNames;
        var names = File.ReadAllLines(meta).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length == 0) throw new UserInputException($"{meta}: no class names in the file.");
        return names;
    }

    public static ImageDataset Load(string folder, string split, ImagePreprocessing? prep = null)
    {
        var classNames = ReadClassNames(folder);
        var files = BatchFiles(folder, split);
        foreach (var f in files)
            if (!File.Exists(f)) throw new UserInputException($"{f}: CIFAR-10 batch file not found.", f);
        long total = 0;
        foreach (var f in files)
        {
            long length = new FileInfo(f).Length;
            if (length == 0 || length % RecordLength != 0)
                throw new UserInputException(
                    $"{f}: {length} bytes is not a whole number of {RecordLength}-byte records (1 label + 32x32x3 pixels); truncated or not a CIFAR-10 batch.");
            total += length / RecordLength;
        }

        var pixels = new byte[total * (RecordLength - 1)];
        var labels = new long[total];
        long n = 0;
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(f);
            for (int r = 0; r < bytes.Length / RecordLength; r++, n++)
            {
                int o = r * RecordLength;
                if (bytes[o] >= classNames.Count)
                    throw new UserInputException($"{f}: record {r} has label {bytes[o]}, outside 0..{classNames.Count - 1}.");
                labels[n] = bytes[o];
                Buffer.BlockCopy(bytes, o + 1, pixels, (int)(n * (RecordLength - 1)), RecordLength - 1);
            }
        }
        var images = torch.tensor(pixels, torch.ScalarType.Byte).reshape(total, 3, Side, Side);
        var data = new ImageDataset("cifar10", images, torch.tensor(labels), classNames);
        return prep is null ? data : TensorPreprocess.Apply(data, prep);
    }

    /// <summary>Images per class of a split, read from the label bytes only (for data checks).</summary>
    public static long[] CountPerClass(string folder, string split, int classes)
    {
        var counts = new long[classes];
        foreach (var f in BatchFiles(folder, split))
        {
            if (!File.Exists(f)) throw new UserInputException($"{f}: CIFAR-10 batch file not found.", f);
            var bytes = File.ReadAllBytes(f);
            if (bytes.Length == 0 || bytes.Length % RecordLength != 0)
                throw new UserInputException($"{f}: {bytes.Length} bytes is not a whole number of {RecordLength}-byte records.");
            for (int o = 0; o < bytes.Length; o += RecordLength)
            {
                if (bytes[o] >= classes) throw new UserInputException($"{f}: record {o / RecordLength} has label {bytes[o]}, outside 0..{classes - 1}.");
                counts[bytes[o]]++;
            }
        }
        return counts;
    }
}
