using Orleans.Concurrency;

namespace DistCache;

/// <summary>
/// The control plane: the registry of nodes, their health and the topology version. A singleton
/// (key 0). Silos poll it for topology changes; it is never called once per cache operation.
/// </summary>
public interface ICoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the singleton.</summary>
    const long SingletonKey = 0;

    /// <summary>Adds (or refreshes) a node; it starts Active.</summary>
    /// <exception cref="ArgumentException">The registration has an empty id or silo, or a non-positive capacity.</exception>
    Task<NodeInfo> RegisterNodeAsync(NodeRegistration registration);

    /// <summary>Removes a node from the registry and the ring. Unknown ids are ignored.</summary>
    Task UnregisterNodeAsync(string nodeId);

    /// <summary>A node's periodic report. One-way, so a node never waits on the coordinator.</summary>
    [OneWay]
    Task HeartbeatAsync(NodeHeartbeat heartbeat);

    /// <summary>The current topology, or null when the caller already has it (same epoch and version).</summary>
    Task<TopologySnapshot?> GetTopologyAsync(Guid knownEpoch, long knownVersion);

    /// <summary>A silo's nodes and cumulative data-path counters, sent with its topology polls. Unknown nodes are registered.</summary>
    [OneWay]
    Task ReportSiloAsync(SiloReport report);

    /// <summary>
    /// Orleans membership declared <paramref name="silo"/> dead: its nodes are Failed at once and for
    /// good (they never heartbeat again; a restarted silo hosts new nodes).
    /// </summary>
    Task SiloDeadAsync(string silo);

    /// <summary>Every registered node, health evaluated now.</summary>
    Task<IReadOnlyList<NodeInfo>> GetNodesAsync();

    /// <summary>Cluster-wide and per-node statistics. Asks each node for fresh counters.</summary>
    Task<ClusterStats> GetStatsAsync();
}
