namespace DistCache;

/// <summary>
/// What a silo tells the coordinator with every topology poll: the nodes it hosts (so a coordinator
/// that re-activated rebuilds its registry within one poll) and its data path's counters.
/// </summary>
/// <param name="Silo">The reporting silo.</param>
/// <param name="Nodes">The nodes it hosts.</param>
/// <param name="Counters">Its data path's cumulative counters.</param>
/// <param name="TopologyEpoch">The epoch of the topology its data path routes with (empty if none yet).</param>
/// <param name="TopologyVersion">The version of that topology.</param>
[GenerateSerializer, Immutable, Alias("distcache.silo-report")]
public sealed record SiloReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] IReadOnlyList<NodeRegistration> Nodes,
    [property: Id(2)] DataPathCounters Counters,
    [property: Id(3)] Guid TopologyEpoch,
    [property: Id(4)] long TopologyVersion);
