using System.Text.Json.Serialization;

namespace ZfViz.Runtime;

/// <summary>
/// How a network computes: <see cref="Float32"/> everywhere; <see cref="Mixed"/>: convolutions and linear layers on
/// bfloat16 copies of the activations and of float32 master weights, with the loss, softmax, contrast normalisation and
/// the optimizer state in float32; <see cref="Auto"/>: mixed where <see cref="MixedPrecisionPolicy.Resolve"/> allows
/// it (bfloat16 in hardware and a passed numerics check), else float32.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Precision>))]
public enum Precision
{
    Float32,
    Mixed,
    Auto,
}
