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

    [LoggerMessage(6, LogLevel.Debug, "Write to replica {NodeId} failed: {Error}")]
    public static partial void ReplicaWriteFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(7, LogLevel.Warning, "Node {NodeId} simulated outage: {InOutage}")]
    public static partial void NodeOutage(ILogger logger, string nodeId, bool inOutage);

    [LoggerMessage(8, LogLevel.Information, "Started {Count} cache nodes on silo {Silo}")]
    public static partial void NodesStarted(ILogger logger, int count, string silo);

    [LoggerMessage(9, LogLevel.Warning, "Topology refresh failed; serving from topology version {Version}")]
    public static partial void TopologyRefreshFailed(ILogger logger, long version, Exception error);

    [LoggerMessage(10, LogLevel.Error, "The nodes of silo {Silo} could not leave cleanly; entries only they held may be lost")]
    public static partial void LeaveFailed(ILogger logger, string silo, Exception error);

    [LoggerMessage(11, LogLevel.Warning, "Silo {Silo} was declared dead; its nodes are Failed")]
    public static partial void SiloDeclaredDead(ILogger logger, string silo);

    [LoggerMessage(12, LogLevel.Warning, "Could not report the death of silo {Silo} to the coordinator; retrying")]
    public static partial void SiloDeathReportFailed(ILogger logger, string silo, Exception error);

    [LoggerMessage(13, LogLevel.Information, "Coordinator activated on silo {Silo}")]
    public static partial void CoordinatorActivated(ILogger logger, string silo);

    [LoggerMessage(14, LogLevel.Information, "Node {NodeId} copied {Copied} entries to their new owners after the ring changed (topology version {Version})")]
    public static partial void NodeRebalanced(ILogger logger, string nodeId, int copied, long version);

    [LoggerMessage(15, LogLevel.Warning, "Node {NodeId} could not hand entries to node {Target}; will retry")]
    public static partial void TransferFailed(ILogger logger, string nodeId, string target, Exception error);

    [LoggerMessage(16, LogLevel.Information, "Node {NodeId} is leaving: handed off {Count} entries; {Left} could not be handed off")]
    public static partial void NodeLeft(ILogger logger, string nodeId, int count, int left);

    [LoggerMessage(17, LogLevel.Information, "Silo {Silo} left the cache: its nodes handed off {Count} entries")]
    public static partial void SiloLeft(ILogger logger, string silo, int count);

    [LoggerMessage(18, LogLevel.Warning, "Node {NodeId} deactivated holding {Items} entries: {Reason}")]
    public static partial void NodeDeactivated(ILogger logger, string nodeId, long items, string reason);

    [LoggerMessage(19, LogLevel.Information, "Node {NodeId} activated")]
    public static partial void NodeActivated(ILogger logger, string nodeId);

    [LoggerMessage(20, LogLevel.Error, "Node {NodeId} was activated again after losing its store; it refuses all traffic and has left the ring")]
    public static partial void NodeLostData(ILogger logger, string nodeId);

    [LoggerMessage(21, LogLevel.Information, "Node {NodeId} and node {Peer} differed in {Buckets} digest buckets: {Received} entries received, {Sent} sent")]
    public static partial void AntiEntropyRepaired(ILogger logger, string nodeId, string peer, int buckets, int received, int sent);

    [LoggerMessage(22, LogLevel.Debug, "Node {NodeId} could not compare with node {Peer}: {ErrorType}: {Message}")]
    public static partial void AntiEntropyFailed(ILogger logger, string nodeId, string peer, string errorType, string message);

    [LoggerMessage(23, LogLevel.Debug, "Node {NodeId} could not deliver hints to node {Target} yet: {ErrorType}: {Message}")]
    public static partial void HintDeliveryFailed(ILogger logger, string nodeId, string target, string errorType, string message);

    [LoggerMessage(24, LogLevel.Debug, "Read of key {Key} found stale replicas; repaired {Repaired}")]
    public static partial void ReadRepaired(ILogger logger, string key, int repaired);

    [LoggerMessage(25, LogLevel.Information, "Data port listening on {Endpoint}")]
    public static partial void DataPortListening(ILogger logger, string endpoint);

    [LoggerMessage(26, LogLevel.Debug, "Data port connection from {Remote} closed: {ErrorType}: {Message}")]
    public static partial void DataPortConnectionClosed(ILogger logger, string remote, string errorType, string message);

    [LoggerMessage(27, LogLevel.Warning, "Data port connection from {Remote} closed on a frame it could not read: {ErrorType}: {Message}")]
    public static partial void DataPortBadInput(ILogger logger, string remote, string errorType, string message);
}
