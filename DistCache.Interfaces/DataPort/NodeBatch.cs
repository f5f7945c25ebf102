namespace DistCache.DataPort;

/// <summary>One node's part of a <see cref="DataPortRequest"/>: the arguments of <see cref="INodeGrain.ServeAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("distcache.node-batch")]
internal sealed record NodeBatch(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string[] Keys,
    [property: Id(2)] bool[]? VersionOnly,
    [property: Id(3)] CacheOperation[] Writes);
