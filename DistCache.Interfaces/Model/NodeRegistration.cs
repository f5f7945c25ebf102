namespace DistCache;

/// <summary>A node announcing itself to the coordinator.</summary>
/// <param name="NodeId">The node grain's key.</param>
/// <param name="Silo">The silo that hosts the node.</param>
/// <param name="CapacityBytes">The node store's capacity.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-registration")]
public sealed record NodeRegistration(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Silo,
    [property: Id(2)] long CapacityBytes);
