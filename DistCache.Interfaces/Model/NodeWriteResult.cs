namespace DistCache;

/// <summary>The answer of one node to a versioned write or delete.</summary>
/// <param name="Applied">False when the node already held a newer (or the same) version and kept it.</param>
/// <param name="Current">The version the node holds after the call.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-write")]
public sealed record NodeWriteResult(
    [property: Id(0)] bool Applied,
    [property: Id(1)] CacheVersion Current);
