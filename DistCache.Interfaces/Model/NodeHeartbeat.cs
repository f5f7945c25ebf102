namespace DistCache;

/// <summary>
/// A node's periodic report. It carries the whole registration too, so a coordinator that lost
/// its registry (re-activated elsewhere) rebuilds it from heartbeats alone.
/// </summary>
/// <param name="Registration">Who is reporting.</param>
/// <param name="CpuPercent">The silo's CPU usage, 0 to 100, from the silo's environment statistics.</param>
/// <param name="MemoryUsedBytes">Memory the silo process uses.</param>
/// <param name="MemoryAvailableBytes">Memory still available to the silo process.</param>
/// <param name="Store">The node store's counters.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-heartbeat")]
public sealed record NodeHeartbeat(
    [property: Id(0)] NodeRegistration Registration,
    [property: Id(1)] double CpuPercent,
    [property: Id(2)] long MemoryUsedBytes,
    [property: Id(3)] long MemoryAvailableBytes,
    [property: Id(4)] StoreCounters Store);
