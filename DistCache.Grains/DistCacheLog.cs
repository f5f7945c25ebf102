using Microsoft.Extensions.Logging;

namespace DistCache;

/// <summary>Every log event of DistCache on a silo, with fixed event ids. Keys and values are never logged.</summary>
internal static partial class DistCacheLog
{
    [LoggerMessage(1, LogLevel.Information, "Node {NodeId} registered (silo {Silo}, capacity {CapacityBytes} bytes)")]
    public static partial void NodeRegistered(ILogger logger, string nodeId, string silo, long capacityBytes);

    [LoggerMessage(2, LogLevel.Information, "Node {NodeId} unregistered")]
    public static partial void NodeUnregistered(ILogger logger, string nodeId);

    [LoggerMessage(3, LogLevel.Warning, "Node {NodeId} is now {To} (was {From}); topology version {Version}")]
    public static partial void NodeStatusChanged(ILogger logger, string nodeId, NodeStatus from, NodeStatus to, long version);

    [LoggerMessage(4, LogLevel.Debug, "Could not read fresh counters of node {NodeId}; using its last heartbeat")]
    public static partial void NodeStatsUnavailable(ILogger logger, string nodeId, Exception error);

    // Replica failures are expected while a node is down: log what failed, not a stack trace per operation.
    [LoggerMessage(5, LogLevel.Debug, "Read from replica {NodeId} failed ({Error}); failing over")]
    public static partial void ReplicaReadFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(6, LogLevel.Warning, "Write to replica {NodeId} failed: {Error}")]
    public static partial void ReplicaWriteFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(7, LogLevel.Warning, "Node {NodeId} simulated outage: {InOutage}")]
    public static partial void NodeOutage(ILogger logger, string nodeId, bool inOutage);

    [LoggerMessage(8, LogLevel.Information, "Started {Count} cache nodes on silo {Silo}")]
    public static partial void NodesStarted(ILogger logger, int count, string silo);

    [LoggerMessage(9, LogLevel.Warning, "Topology refresh failed; serving from topology version {Version}")]
    public static partial void TopologyRefreshFailed(ILogger logger, long version, Exception error);

    [LoggerMessage(10, LogLevel.Warning, "Could not unregister the nodes of silo {Silo} on shutdown")]
    public static partial void UnregisterFailed(ILogger logger, string silo, Exception error);
}
