namespace ZfViz.Runtime.Numerics;

/// <summary>A setting the doctor can probe: a oneDNN ISA cap ("DEFAULT": none), channel padding, convolution layout.</summary>
public sealed record NumericsCandidate(string Isa, bool Pad, ConvLayout Layout)
{
    public string Name => NumericsDoctor.SettingName(Isa, Pad, Layout);

    public override string ToString() => Name;
}
