namespace DistCache;

/// <summary>A node announcing itself to the coordinator.</summary>
/// <param name="NodeId">The node grain's key.</param>
/// <param name="Silo">The silo that hosts the node.</param>
/// <param name="CapacityBytes">The node store's capacity.</param>
/// <param name="DataPort">The TCP port of its silo's data port, on the silo's address; 0 when the silo has none.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-registration")]
public sealed record NodeRegistration(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Silo,
    [property: Id(2)] long CapacityBytes,
    [property: Id(3)] int DataPort = 0);
