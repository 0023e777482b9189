namespace ZfViz.Tests;

/// <summary>
/// Tests that depend on process-wide state run alone, after the parallel ones: they seed torch's global random
/// generator and expect its sequence (torch.manual_seed; training's dropout), set environment variables, or run
/// TorchSharp's optimizers (LBFGS, SGD), which make temporary Scalars internally that only finalizers free. xunit runs
/// the classes of this collection one at a time and never beside another collection.
/// </summary>
[CollectionDefinition(nameof(SharedTorchState), DisableParallelization = true)]
public sealed class SharedTorchState;
