namespace DistCache;

/// <summary>The coordinator's view of one node.</summary>
[GenerateSerializer, Immutable, Alias("distcache.node-info")]
public sealed record NodeInfo
{
    /// <summary>The node grain's key.</summary>
    [Id(0)] public required string NodeId { get; init; }

    /// <summary>The silo that hosts the node.</summary>
    [Id(1)] public required string Silo { get; init; }

    /// <summary>The node store's capacity in bytes.</summary>
    [Id(2)] public long CapacityBytes { get; init; }

    /// <summary>Health as last judged.</summary>
    [Id(3)] public NodeStatus Status { get; init; }

    /// <summary>When the last heartbeat arrived, or null if none has.</summary>
    [Id(4)] public DateTimeOffset? LastHeartbeat { get; init; }

    /// <summary>CPU usage reported in the last heartbeat.</summary>
    [Id(5)] public double CpuPercent { get; init; }

    /// <summary>Memory usage in percent (used / (used + available)) from the last heartbeat.</summary>
    [Id(6)] public double MemoryPercent { get; init; }

    /// <summary>Bytes used in the node's store.</summary>
    [Id(7)] public long UsedBytes { get; init; }

    /// <summary>Live entries in the node's store.</summary>
    [Id(8)] public long Items { get; init; }

    /// <summary>Used bytes divided by capacity, 0 to 1.</summary>
    public double Utilization => CapacityBytes <= 0 ? 0 : (double)UsedBytes / CapacityBytes;
}
