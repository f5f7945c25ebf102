namespace DistCache;

/// <summary>One node's statistics: its store's counters, its health, and the data path's failures against it.</summary>
[GenerateSerializer, Immutable, Alias("distcache.node-stats")]
public sealed record NodeStats
{
    /// <summary>The node as the coordinator sees it.</summary>
    [Id(0)] public required NodeInfo Node { get; init; }

    /// <summary>The store's counters: fresh when the node answered, else from its last heartbeat.</summary>
    [Id(1)] public required StoreCounters Store { get; init; }

    /// <summary>Reads that failed over away from this node, summed over every silo.</summary>
    [Id(2)] public long Failovers { get; init; }

    /// <summary>Writes this node failed to acknowledge, summed over every silo.</summary>
    [Id(3)] public long ReplicationFailures { get; init; }

    /// <summary>Whether <see cref="Store"/> came from the node itself just now (false: from the last heartbeat).</summary>
    [Id(4)] public bool IsFresh { get; init; }
}
