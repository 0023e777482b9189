using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class CifarBinaryTests
{
    /// <summary>A batch of records: label, then 3072 bytes where byte j of record r is (r * 7 + j) mod 256.</summary>
    static byte[] Batch(params byte[] labels)
    {
        var bytes = new byte[labels.Length * CifarBinary.RecordLength];
        for (int r = 0; r < labels.Length; r++)
        {
            bytes[r * CifarBinary.RecordLength] = labels[r];
            for (int j = 0; j < 3072; j++) bytes[r * CifarBinary.RecordLength + 1 + j] = (byte)((r * 7 + j) % 256);
        }
        return bytes;
    }

    static string WriteRelease(DataFixture f, byte[]? batch3 = null)
    {
        var dir = f.Dir("cifar10", "cifar-10-batches-bin");
        for (int i = 1; i <= 5; i++) f.Write($"cifar10/cifar-10-batches-bin/data_batch_{i}.bin", i == 3 && batch3 is not null ? batch3 : Batch((byte)i, (byte)(9 - i)));
        f.Write("cifar10/cifar-10-batches-bin/test_batch.bin", Batch(4));
        File.WriteAllText(Path.Combine(dir, "batches.meta.txt"), string.Join("\n", Cifar10.ClassNames) + "\n\n");
        return dir;
    }

    [Fact]
    public void LoadsRecordsInOrderWithExactPixels()
    {
        using var f = new DataFixture();
        var dir = WriteRelease(f);
        using var train = CifarBinary.Load(dir, "train");
        Assert.Equal(new long[] { 10, 3, 32, 32 }, train.Images.shape);
        Assert.Equal(new long[] { 1, 8, 2, 7, 3, 6, 4, 5, 5, 4 }, train.Labels.data<long>().ToArray());
        // Record 1 of a batch: byte j = (7 + j) mod 256; channel c, row y, column x is j = 1024c + 32y + x.
        Assert.Equal((byte)((7 + 1024 * 2 + 32 * 5 + 3) % 256), train.Images[3, 2, 5, 3].item<byte>());
        Assert.Equal((byte)((0 + 1024 + 31) % 256), train.Images[0, 1, 0, 31].item<byte>());
        Assert.Equal(Cifar10.ClassNames, train.ClassNames);
        using var test = CifarBinary.Load(dir, "test");
        Assert.Equal(1, test.Count);
    }

    [Fact]
    public void WrongSizeBatchNamesFile()
    {
        using var f = new DataFixture();
        var dir = WriteRelease(f, batch3: Batch(1, 2)[..^100]);
        var e = Assert.Throws<UserInputException>(() => CifarBinary.Load(dir, "train"));
        Assert.Contains("data_batch_3.bin", e.Message);
        Assert.Contains($"{2 * 3073 - 100} bytes is not a whole number of 3073-byte records", e.Message);
    }

    [Fact]
    public void LabelOutsideClassesIsRejected()
    {
        using var f = new DataFixture();
        var dir = WriteRelease(f, batch3: Batch(1, 10));
        var e = Assert.Throws<UserInputException>(() => CifarBinary.Load(dir, "train"));
        Assert.Contains("data_batch_3.bin: record 1 has label 10", e.Message);
    }

    [Fact]
    public void MissingBatchNamesFile()
    {
        using var f = new DataFixture();
        var dir = WriteRelease(f);
        File.Delete(Path.Combine(dir, "data_batch_5.bin"));
        var e = Assert.Throws<UserInputException>(() => CifarBinary.Load(dir, "train"));
        Assert.Contains("data_batch_5.bin", e.Message);
    }

    [Fact]
    public void CountsPerClassFromLabelBytes()
    {
        using var f = new DataFixture();
        var dir = WriteRelease(f);
        Assert.Equal(new long[] { 0, 1, 1, 1, 2, 2, 1, 1, 1, 0 }, CifarBinary.CountPerClass(dir, "train", 10));
    }

    [Fact]
    public void BinaryIsPreferredOverJpegFolders()
    {
        using var f = new DataFixture();
        WriteRelease(f);
        f.WriteImage("cifar10/jpg/train/airplane/0.png", 0, 32, 32);
        Assert.Equal("binary", Cifar10.Format(f.PathOf("cifar10")));
        var r = Cifar10.Load(f.PathOf("cifar10"), "train", new ImagePreprocessing(32));
        Assert.Equal(10, r.Data.Count);
    }
}
