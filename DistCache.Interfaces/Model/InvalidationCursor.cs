namespace DistCache;

/// <summary>Where a node's invalidation feed stands: the last batch it sent.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Incarnation">Changes when the node's activation (and so its feed) starts over.</param>
/// <param name="Sequence">The number of the last batch sent; 0 before the first.</param>
[GenerateSerializer, Immutable, Alias("distcache.invalidation-cursor")]
public sealed record InvalidationCursor(
    [property: Id(0)] string NodeId,
    [property: Id(1)] Guid Incarnation,
    [property: Id(2)] long Sequence);
