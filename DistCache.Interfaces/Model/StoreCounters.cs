namespace DistCache;

/// <summary>What one node's bounded store has done and holds.</summary>
[GenerateSerializer, Immutable, Alias("distcache.store-counters")]
public sealed record StoreCounters
{
    /// <summary>Reads served (hits plus misses).</summary>
    [Id(0)] public long Reads { get; init; }

    /// <summary>Versioned writes and deletes received, applied or not.</summary>
    [Id(1)] public long Writes { get; init; }

    /// <summary>Reads that found a live value.</summary>
    [Id(2)] public long Hits { get; init; }

    /// <summary>Reads that found nothing, a tombstone or an expired value.</summary>
    [Id(3)] public long Misses { get; init; }

    /// <summary>Entries evicted because the store was full.</summary>
    [Id(4)] public long Evictions { get; init; }

    /// <summary>Entries dropped because their time to live ran out.</summary>
    [Id(5)] public long Expirations { get; init; }

    /// <summary>Live entries held (tombstones not included).</summary>
    [Id(6)] public long Items { get; init; }

    /// <summary>Bytes accounted to the store (keys, values, per-entry overhead, tombstones).</summary>
    [Id(7)] public long Bytes { get; init; }

    /// <summary>The store's capacity in bytes.</summary>
    [Id(8)] public long CapacityBytes { get; init; }

    /// <summary>Writes ignored because the node held a newer version.</summary>
    [Id(9)] public long StaleWrites { get; init; }

    /// <summary>Entries received from other nodes (re-replication, rebalancing, hand-off) and applied.</summary>
    [Id(10)] public long Imported { get; init; }

    /// <summary>Entries this node copied to other nodes.</summary>
    [Id(11)] public long Exported { get; init; }

    /// <summary>Entries this node dropped after handing them to their new owners.</summary>
    [Id(12)] public long Dropped { get; init; }
}
