namespace DistCache;

/// <summary>One node as the data path needs to know it.</summary>
[GenerateSerializer, Immutable, Alias("distcache.topology-node")]
public sealed record TopologyNode(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Silo,
    [property: Id(2)] NodeStatus Status);
