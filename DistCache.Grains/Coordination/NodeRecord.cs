namespace DistCache.Coordination;

/// <summary>The registry's mutable record of one node.</summary>
internal sealed class NodeRecord(NodeRegistration registration, DateTimeOffset registeredAt)
{
    public NodeRegistration Registration { get; set; } = registration;

    public NodeStatus Status { get; set; } = NodeStatus.Active;

    /// <summary>Registration or last heartbeat, whichever is later: the start of the timeout.</summary>
    public DateTimeOffset LastSeen { get; set; } = registeredAt;

    public DateTimeOffset? LastHeartbeat { get; set; }

    public double CpuPercent { get; set; }

    public double MemoryPercent { get; set; }

    public StoreCounters Store { get; set; } = new() { CapacityBytes = registration.CapacityBytes };

    public NodeInfo ToInfo() => new()
    {
        NodeId = Registration.NodeId,
        Silo = Registration.Silo,
        CapacityBytes = Registration.CapacityBytes,
        Status = Status,
        LastHeartbeat = LastHeartbeat,
        CpuPercent = CpuPercent,
        MemoryPercent = MemoryPercent,
        UsedBytes = Store.Bytes,
        Items = Store.Items,
    };
}
