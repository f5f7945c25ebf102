namespace DistCache;

/// <summary>
/// What a silo tells the coordinator with every topology poll: the nodes it hosts (so a coordinator
/// that re-activated rebuilds its registry within one poll) and its data path's counters.
/// </summary>
[GenerateSerializer, Immutable, Alias("distcache.silo-report")]
public sealed record SiloReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] IReadOnlyList<NodeRegistration> Nodes,
    [property: Id(2)] DataPathCounters Counters);
