namespace ZfViz.Data;

/// <summary>One ImageNet sample image: its file, its ILSVRC-2012 class index, WordNet id and readable class name.</summary>
public sealed record ImageNetSample(string Path, int ClassIndex, string Wnid, string ClassName);
