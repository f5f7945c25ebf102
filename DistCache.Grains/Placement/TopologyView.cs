using DistCache.Replication;

namespace DistCache.Placement;

/// <summary>
/// One topology version as the data path uses it: the ring of the nodes that are not Failed and
/// a grain reference per node, built once per version so routing a key allocates only its result.
/// </summary>
internal sealed class TopologyView
{
    private readonly NodeTarget[] _targets;

    public TopologyView(TopologySnapshot snapshot, int virtualNodes, IGrainFactory grains)
    {
        Snapshot = snapshot;
        Ring = new HashRing(
            snapshot.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => new RingNode(n.NodeId, n.Silo)),
            virtualNodes);
        _targets = Ring.Nodes.Select(n => new NodeTarget(n.NodeId, grains.GetGrain<INodeGrain>(n.NodeId))).ToArray();
    }

    public TopologySnapshot Snapshot { get; }

    public long Version => Snapshot.Version;

    public HashRing Ring { get; }

    /// <summary>The key's replicas, primary first.</summary>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    /// <exception cref="NoHealthyNodesException">Every registered node is Failed.</exception>
    public NodeTarget[] Route(string key, int replicationFactor)
    {
        if (_targets.Length == 0)
        {
            throw Snapshot.Nodes.Count == 0 ? new NoNodesException() : new NoHealthyNodesException(Snapshot.Nodes.Count);
        }

        Span<int> indexes = stackalloc int[Math.Min(replicationFactor, _targets.Length)];
        var count = Ring.GetReplicas(key, replicationFactor, indexes);
        var route = new NodeTarget[count];
        for (var i = 0; i < count; i++)
        {
            route[i] = _targets[indexes[i]];
        }

        return route;
    }
}
