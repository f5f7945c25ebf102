namespace DistCache;

/// <summary>One node as the data path needs to know it.</summary>
/// <param name="NodeId">The node grain's key.</param>
/// <param name="Silo">The silo that hosts the node.</param>
/// <param name="Status">Its health.</param>
/// <param name="DataPort">The TCP port of its silo's data port, on the silo's address; 0 when the silo has none.</param>
[GenerateSerializer, Immutable, Alias("distcache.topology-node")]
public sealed record TopologyNode(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Silo,
    [property: Id(2)] NodeStatus Status,
    [property: Id(3)] int DataPort = 0);
