using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// The images of a streamed data set: file paths only, decoded a batch at a time with the same preprocessing as the
/// in-memory route (<see cref="ImageDecoder.DecodeInto"/>: shorter side resized, centre square, uint8). Counts the
/// decoded batches that readers hold (<see cref="BatchesHeld"/>), so tests can see that memory stays bounded.
/// </summary>
public sealed class StreamedImages
{
    int held, maxHeld;

    public IReadOnlyList<string> Files { get; }
    public ImagePreprocessing Prep { get; }

    public StreamedImages(IReadOnlyList<string> files, ImagePreprocessing prep)
    {
        Files = files;
        Prep = prep.Validated();
    }

    public int Count => Files.Count;

    /// <summary>Decoded batches a <see cref="BatchReader"/> holds now (being decoded, waiting, or in use).</summary>
    public int BatchesHeld => Volatile.Read(ref held);

    /// <summary>The most batches held at once since this object was made.</summary>
    public int MaxBatchesHeld => Volatile.Read(ref maxHeld);

    internal void Hold()
    {
        int now = Interlocked.Increment(ref held);
        int max;
        while (now > (max = Volatile.Read(ref maxHeld)) && Interlocked.CompareExchange(ref maxHeld, now, max) != max) { }
    }

    internal void Release() => Interlocked.Decrement(ref held);

    public StreamedImages Subset(IEnumerable<long> indices) => new(indices.Select(i => Files[checked((int)i)]).ToList(), Prep);

    /// <summary>
    /// Decodes the files at <paramref name="indices"/> (in parallel) into a new uint8 [n,C,S,S] tensor in that order.
    /// Unlike the in-memory load, which skips an undecodable file before training starts, a file that is missing or
    /// broken here is met mid-run: it stops the run with a <see cref="UserInputException"/> naming the file.
    /// </summary>
    public torch.Tensor Decode(IReadOnlyList<long> indices)
    {
        int n = indices.Count;
        var images = torch.empty([n, Prep.Channels, Prep.Size, Prep.Size], torch.ScalarType.Byte);
        var errors = new string?[n];
        try
        {
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                using var slot = images[i];
                try { ImageDecoder.DecodeInto(Files[checked((int)indices[i])], Prep, slot.bytes); }
                catch (Exception e) when (e is InvalidDataException or UserInputException or IOException or UnauthorizedAccessException)
                {
                    errors[i] = e.Message;
                }
            });
            if (Array.FindIndex(errors, e => e is not null) is var bad and >= 0)
            {
                var path = Files[checked((int)indices[bad])];
                throw new UserInputException(
                    $"cannot read {path} while streaming the data set from disk ({errors[bad]}); replace or delete the file and run again (a resumed run continues from its last epoch).",
                    path);
            }
            return images;
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }
}
