namespace DistCache;

/// <summary>Cumulative counters of one silo's data path (the operations its entry grains served).</summary>
[GenerateSerializer, Immutable, Alias("distcache.datapath-counters")]
public sealed record DataPathCounters
{
    /// <summary>Get operations.</summary>
    [Id(0)] public long Reads { get; init; }

    /// <summary>Set operations acknowledged.</summary>
    [Id(1)] public long Writes { get; init; }

    /// <summary>Remove operations acknowledged.</summary>
    [Id(2)] public long Removes { get; init; }

    /// <summary>Get operations that returned a value.</summary>
    [Id(3)] public long Hits { get; init; }

    /// <summary>Get operations that returned nothing.</summary>
    [Id(4)] public long Misses { get; init; }

    /// <summary>Operations that failed (consistency not met, no nodes).</summary>
    [Id(5)] public long Failures { get; init; }

    /// <summary>Replicas a read found stale and wrote the winning version back to.</summary>
    [Id(7)] public long ReadRepairs { get; init; }

    /// <summary>Replica writes that failed and were left as hints with the key's other replicas.</summary>
    [Id(8)] public long HintsRequested { get; init; }

    /// <summary>Per node id: failovers away from it and writes it failed to acknowledge.</summary>
    [Id(6)] public IReadOnlyDictionary<string, ReplicaCallCounters> ByNode { get; init; } = new Dictionary<string, ReplicaCallCounters>();
}
