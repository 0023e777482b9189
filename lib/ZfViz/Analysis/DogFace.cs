namespace ZfViz.Analysis;

/// <summary>
/// One annotated dog photo: its file name in the ImageNet samples and the centres of the dog's right eye, left eye
/// and nose in the 224x224 network input. The dog's right eye is on the image's left in a frontal view.
/// </summary>
public sealed record DogFace(string File, PixelPoint RightEye, PixelPoint LeftEye, PixelPoint Nose)
{
    public const string RightEyePart = "right eye", LeftEyePart = "left eye", NosePart = "nose";

    /// <summary>The annotated parts, in the paper's Table 1 order.</summary>
    public static readonly IReadOnlyList<string> PartNames = [RightEyePart, LeftEyePart, NosePart];

    /// <summary>The breed, read from the file name (&lt;wnid&gt;_&lt;class_name&gt;.JPEG).</summary>
    public string Breed => System.IO.Path.GetFileNameWithoutExtension(File) is var stem && stem.IndexOf('_') is var cut and > 0
        ? stem[(cut + 1)..].Replace('_', ' ') : stem;

    public PixelPoint Part(string name) => name switch
    {
        RightEyePart => RightEye,
        LeftEyePart => LeftEye,
        NosePart => Nose,
        _ => throw new ArgumentException($"No dog face part '{name}'; parts are {string.Join(", ", PartNames)}."),
    };
}
