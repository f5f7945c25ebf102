using DistCache;

namespace ModelRouter;

/// <summary>One cache node as a load balancer sees it.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Status">Its health as the coordinator judges it.</param>
/// <param name="Items">Live entries it holds.</param>
/// <param name="Utilization">Its busiest resource, 0 to 1: CPU, memory, or how full its store is.</param>
public sealed record NodeLoad(string NodeId, NodeStatus Status, double Utilization, long Items);

/// <summary>The cache cluster from the coordinator's view of its nodes, and the node a balancer would pick.</summary>
public static class ClusterView
{
    /// <summary>Utilization above which a node takes no new work.</summary>
    public const double Ceiling = 0.70;

    public static async Task<IReadOnlyList<NodeLoad>> LoadAsync(IGrainFactory grains)
    {
        // Statistics rather than the node list: store counters read fresh from each node, not from its last heartbeat.
        var stats = await grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey).GetStatsAsync();
        return stats.Nodes.Select(n => new NodeLoad(
            n.Node.NodeId,
            n.Node.Status,
            Math.Max(n.Node.CapacityBytes <= 0 ? 0 : (double)n.Store.Bytes / n.Node.CapacityBytes, Math.Max(n.Node.CpuPercent, n.Node.MemoryPercent) / 100),
            n.Store.Items)).ToList();
    }

    /// <summary>The least utilized Active node under <see cref="Ceiling"/>, or null when none is.</summary>
    public static NodeLoad? PickLeastUtilized(IEnumerable<NodeLoad> nodes) =>
        nodes.Where(n => n.Status == NodeStatus.Active && n.Utilization < Ceiling).OrderBy(n => n.Utilization).ThenBy(n => n.NodeId, StringComparer.Ordinal).FirstOrDefault();
}
