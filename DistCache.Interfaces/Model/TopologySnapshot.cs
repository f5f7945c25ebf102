namespace DistCache;

/// <summary>Every registered node and its health at one topology version.</summary>
/// <param name="Version">Grows with every change of membership or health within one epoch.</param>
/// <param name="Nodes">The nodes, ordered by id.</param>
/// <param name="Epoch">
/// Identifies the coordinator activation that issued it. A new coordinator starts a new epoch, and
/// silos take its topology whatever its version: versions are comparable only within an epoch.
/// </param>
[GenerateSerializer, Immutable, Alias("distcache.topology")]
public sealed record TopologySnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<TopologyNode> Nodes,
    [property: Id(2)] Guid Epoch);
