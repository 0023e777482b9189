namespace ZfViz.Runtime;

/// <summary>
/// How big every experiment runs. One environment variable, <c>ZFVIZ_PROFILE</c>, picks it:
/// <c>quick</c> (CI: every notebook in about a minute), <c>course</c> (a CPU laptop: about an hour for the series),
/// <c>paper</c> (the paper's 224x224 networks on ImageNet-style photos: an overnight CPU run or a short GPU run), and
/// <c>paper-smoke</c> (the paper path end to end in minutes on a handful of generated 224-pixel photos, for CI).
/// Default: <c>quick</c> when <c>CI</c> is set, else <c>course</c>.
/// </summary>
/// <param name="TrainImages">Training images used per run (null: the whole split).</param>
/// <param name="EvalImages">Evaluation images used per run (null: the whole split).</param>
/// <param name="Epochs">Training epochs of the main CIFAR-scale run.</param>
/// <param name="BatchSize">Mini-batch size for training (the paper: 128).</param>
/// <param name="Precision">How training and inference compute (default auto: mixed bfloat16 where the CPU has it and
/// it is verified, else float32; see <see cref="MixedPrecisionPolicy"/>). $ZFVIZ_PRECISION overrides it.</param>
/// <param name="PaperScale">The notebooks use the paper's 224x224 networks (zfnet, alexnet) on ImageNet-style photos
/// instead of the CIFAR-scale ones; which network and data exactly is decided in one place, <c>ProfileModels</c>.</param>
public sealed record Profile(string Name, string Description, int? TrainImages, int? EvalImages, int Epochs, int BatchSize,
    Precision Precision = Precision.Auto, bool PaperScale = false)
{
    public const string EnvironmentVariable = "ZFVIZ_PROFILE";

    public static readonly Profile Quick = new("quick", "CI smoke run: tiny subsets, one short epoch", 2_000, 500, 1, 64);
    public static readonly Profile Course = new("course", "CPU laptop: CIFAR-scale models, about an hour for the series", 50_000, 10_000, 10, 128);
    public static readonly Profile Paper = new("paper", "full-size ZFNet at 224x224 on ImageNet-style photos (ILSVRC-2012, else Imagenette): overnight on a CPU, short on a GPU",
        null, null, 70, 128, PaperScale: true);
    /// <summary>The paper path on a CPU in minutes: generated 224-pixel photos, a few images per class, one step per epoch.</summary>
    public static readonly Profile PaperSmoke = new("paper-smoke", "the paper path end to end in minutes: a handful of generated photos at 224, one epoch of one step",
        null, null, 1, 64, PaperScale: true);

    public static IReadOnlyList<Profile> All { get; } = [Quick, Course, Paper, PaperSmoke];

    /// <summary>Looks a profile up by name (case-insensitive); unknown names fail with the list of valid ones.</summary>
    public static Profile Parse(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException(
            $"Unknown profile '{name}'. Choose one of: {string.Join(", ", All.Select(p => p.Name))} (set {EnvironmentVariable}).");

    /// <summary>The profile named by ZFVIZ_PROFILE, else quick under CI, else course; ZFVIZ_PRECISION sets its precision.</summary>
    public static Profile FromEnvironment(Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var name = getEnv(EnvironmentVariable);
        Profile profile;
        if (!string.IsNullOrWhiteSpace(name))
        {
            try { profile = Parse(name); }
            catch (UserInputException e) { throw new UserInputException(e.Message, $"${EnvironmentVariable}", e); }
        }
        else profile = string.IsNullOrEmpty(getEnv("CI")) ? Course : Quick;
        var precision = getEnv(MixedPrecisionPolicy.PrecisionVariable);
        return string.IsNullOrWhiteSpace(precision)
            ? profile
            : profile with { Precision = MixedPrecisionPolicy.Parse(precision, "$" + MixedPrecisionPolicy.PrecisionVariable) };
    }

    /// <summary>
    /// The value for this profile: each size a notebook or command uses lives in one call, e.g.
    /// <c>zf.Profile.Pick(quick: 500, course: 10_000, paper: 50_000)</c>, instead of a test of the profile's name.
    /// Pick chooses sizes: paper-smoke, a smoke run, takes quick's (its networks and data are the paper's through
    /// <see cref="PaperScale"/>, not through Pick).
    /// </summary>
    public T Pick<T>(T quick, T course, T paper) => Name switch
    {
        "quick" or "paper-smoke" => quick,
        "course" => course,
        "paper" => paper,
        _ => throw new InvalidOperationException($"profile '{Name}' has no case in Pick"),
    };

    public override string ToString() => $"{Name} ({Description})";
}
