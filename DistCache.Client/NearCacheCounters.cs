namespace DistCache.Client;

/// <summary>What the near cache has done.</summary>
/// <param name="Hits">Eventual reads served from local memory.</param>
/// <param name="Misses">Eventual reads that went to the cluster.</param>
/// <param name="Invalidations">Entries dropped because the cluster (or this client) changed them.</param>
/// <param name="Clears">Times everything was dropped because invalidations may have been missed.</param>
/// <param name="Entries">Entries held now.</param>
public sealed record NearCacheCounters(long Hits, long Misses, long Invalidations, long Clears, int Entries);
