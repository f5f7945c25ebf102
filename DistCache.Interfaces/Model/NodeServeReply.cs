namespace DistCache;

/// <summary>A node's answer to <see cref="INodeGrain.ServeAsync"/>: its reads' results and its writes' outcomes, each in the order asked.</summary>
/// <param name="Reads">
/// What the node holds for each key read, tombstones included; null for all of them when its silo routes with
/// another ring than the client's, and null for a key it does not hold while keys may still be moving to it.
/// </param>
/// <param name="Writes">The outcome of each write the node coordinated.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-serve-reply")]
public sealed record NodeServeReply(
    [property: Id(0)] NodeReadResult?[]? Reads,
    [property: Id(1)] CacheOperationResult[] Writes);
