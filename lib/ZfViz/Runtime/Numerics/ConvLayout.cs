namespace ZfViz.Runtime.Numerics;

/// <summary>The memory layout <see cref="ConvChannelPadding"/> runs convolutions in.</summary>
public enum ConvLayout
{
    /// <summary>As the tensors come (NCHW unless the caller made them channels-last).</summary>
    Default,
    /// <summary>Signal and filters copied to channels-last (NHWC) strides first: oneDNN's NHWC kernels.</summary>
    ChannelsLast,
}

/// <summary>The names of <see cref="ConvLayout"/> in the settings file, $ZFVIZ_CONV_LAYOUT and setting names.</summary>
public static class ConvLayouts
{
    public const string ChannelsLastName = "channels-last";
    public const string DefaultName = "default";

    /// <summary>"channels-last" for <see cref="ConvLayout.ChannelsLast"/>, null for the default (nothing to record).</summary>
    public static string? Name(ConvLayout layout) => layout == ConvLayout.ChannelsLast ? ChannelsLastName : null;

    /// <summary>Parses channels-last | default (null or empty: default); anything else is the user's error, naming <paramref name="subject"/>.</summary>
    public static ConvLayout Parse(string? text, string subject) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or DefaultName => ConvLayout.Default,
        ChannelsLastName => ConvLayout.ChannelsLast,
        _ => throw new UserInputException($"must be {ChannelsLastName} (run convolutions on NHWC copies) or {DefaultName}, not '{text}'.", subject),
    };
}
