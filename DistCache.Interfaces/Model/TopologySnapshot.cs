namespace DistCache;

/// <summary>Every registered node and its health at one topology version.</summary>
/// <param name="Version">Changes with every change of membership or health.</param>
/// <param name="Nodes">The nodes, ordered by id.</param>
[GenerateSerializer, Immutable, Alias("distcache.topology")]
public sealed record TopologySnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<TopologyNode> Nodes);
