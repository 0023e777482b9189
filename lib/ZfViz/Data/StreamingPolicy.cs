namespace ZfViz.Data;

/// <summary>
/// When a folder data set is streamed from disk instead of decoded into memory: when its decoded uint8 images would
/// take more than <see cref="Gigabytes"/> GB (default 4; <c>$ZFVIZ_STREAM_GB</c>, 0 streams every folder split). At
/// 256x256 that is about 20,000 images: ILSVRC-2012 (1.28 M train, 50,000 val) streams, Imagenette (9,469 train,
/// 1.9 GB) and the paper-smoke photos stay in memory.
/// </summary>
public static class StreamingPolicy
{
    public const string EnvironmentVariable = "ZFVIZ_STREAM_GB";
    public const double DefaultGigabytes = 4;

    /// <summary>The limit in GB (10^9 bytes) from <c>$ZFVIZ_STREAM_GB</c>.</summary>
    public static double Gigabytes => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>A limit as the variable gives it (empty: the default); a value that is not a number &gt;= 0 is the user's error.</summary>
    public static double Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return DefaultGigabytes;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var gb)
            && gb >= 0 && double.IsFinite(gb))
            return gb;
        throw new UserInputException($"'{text}' is not a size in GB (a number >= 0; 0 streams every photo folder).", $"${EnvironmentVariable}");
    }

    /// <summary>The decoded size of <paramref name="images"/> images under <paramref name="prep"/>, in bytes.</summary>
    public static long DecodedBytes(long images, ImagePreprocessing prep) => images * prep.Channels * prep.Size * prep.Size;

    /// <summary>True when these images are too many to hold decoded in memory.</summary>
    public static bool ShouldStream(long images, ImagePreprocessing prep, double? gigabytes = null) =>
        DecodedBytes(images, prep) > (gigabytes ?? Gigabytes) * 1e9;
}
