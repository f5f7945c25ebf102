namespace DistCache;

/// <summary>The outcome of invalidating a tag.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Version">The invalidation's version: entries with the tag written before it are deleted.</param>
/// <param name="Deleted">Entries deleted, counting every replica.</param>
/// <param name="NodesReached">Nodes that applied it.</param>
/// <param name="NodesFailed">Nodes that did not answer; they converge through their peers (anti-entropy).</param>
[GenerateSerializer, Immutable, Alias("distcache.tag-invalidation")]
public sealed record TagInvalidation(
    [property: Id(0)] string Tag,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] int Deleted,
    [property: Id(3)] int NodesReached,
    [property: Id(4)] int NodesFailed);
