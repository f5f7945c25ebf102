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

    /// <summary>Writes that met a concurrent version of their key here; the conflict resolver chose the survivor.</summary>
    [Id(13)] public long Conflicts { get; init; }

    /// <summary>Hints this node holds: keys to copy to replicas that missed a write while unreachable.</summary>
    [Id(14)] public long HintsPending { get; init; }

    /// <summary>Hints this node delivered to a replica that came back.</summary>
    [Id(15)] public long HintsDelivered { get; init; }

    /// <summary>Anti-entropy comparisons this node started with replicas it shares keys with.</summary>
    [Id(16)] public long AntiEntropyRounds { get; init; }

    /// <summary>Bytes of digests this node sent and received in anti-entropy comparisons.</summary>
    [Id(17)] public long AntiEntropyDigestBytes { get; init; }

    /// <summary>Entries this node sent to a peer because anti-entropy found them missing or older there (or in conflict).</summary>
    [Id(18)] public long AntiEntropyEntries { get; init; }

    /// <summary>Calls clients made straight to this node (<see cref="INodeGrain.ServeAsync"/>).</summary>
    [Id(19)] public long DirectCalls { get; init; }

    /// <summary>The reads and writes those calls carried: divided by <see cref="DirectCalls"/>, how well clients batch.</summary>
    [Id(20)] public long DirectOperations { get; init; }

    /// <summary>
    /// The fingerprint of the ring this node's data is placed under (<see cref="ReadRouting.RingFingerprint"/>); 0 before
    /// its first. When it differs from its silo's ring, the node has entries still to copy or drop for a ring change.
    /// </summary>
    [Id(21)] public ulong PlacedRing { get; init; }
}
