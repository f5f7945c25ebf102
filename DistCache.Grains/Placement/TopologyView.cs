using System.Diagnostics;
using DistCache.Replication;

namespace DistCache.Placement;

/// <summary>
/// One topology version as the data path uses it: the ring of the nodes that are not Failed and
/// a grain reference per node, built once per version so routing a key allocates only its result.
/// While keys may still be moving after the ring's last change, it remembers the ring before it.
/// </summary>
internal sealed class TopologyView
{
    private readonly NodeTarget[] _targets;
    private readonly Dictionary<string, NodeTarget> _byId;
    private readonly TimeSpan _handoffWindow;

    // The ring before the last change of membership, and when that change was seen; carried over
    // by versions that change only health, so a Degraded flap does not end a hand-off early.
    // No previous ring and a start time means "this silo's first view": what changed is unknown.
    private readonly HashRing? _previousRing;
    private readonly long _ringChangedAt;

    public TopologyView(TopologySnapshot snapshot, int virtualNodes, IGrainFactory grains, TopologyView? previous = null, TimeSpan handoffWindow = default)
    {
        Snapshot = snapshot;
        Ring = new HashRing(
            snapshot.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => new RingNode(n.NodeId, n.Silo)),
            virtualNodes);
        var silos = Ring.Nodes.Select(n => n.Silo).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        _targets = Ring.Nodes.Select(n => new NodeTarget(n.NodeId, grains.GetGrain<INodeGrain>(n.NodeId), silos.IndexOf(n.Silo))).ToArray();
        _byId = _targets.ToDictionary(t => t.NodeId, StringComparer.Ordinal);
        _handoffWindow = handoffWindow;
        if (previous is not null && SameMembers(previous.Ring, Ring))
        {
            _previousRing = previous._previousRing;
            _ringChangedAt = previous._ringChangedAt;
        }
        else
        {
            _previousRing = previous?.Ring;
            _ringChangedAt = Stopwatch.GetTimestamp();
        }
    }

    public TopologySnapshot Snapshot { get; }

    public long Version => Snapshot.Version;

    public HashRing Ring { get; }

    /// <summary>How long ago this silo first saw a ring with these members.</summary>
    public TimeSpan RingAge => Stopwatch.GetElapsedTime(_ringChangedAt);

    /// <summary>
    /// Whether keys may still be moving to their owners: the ring changed recently, or this silo
    /// has not been up long (so it does not know what changed just before it started).
    /// </summary>
    public bool InHandoff => RingAge < _handoffWindow;

    /// <summary>Whether two rings hold the same nodes (so no key changed owner).</summary>
    public static bool SameMembers(HashRing a, HashRing b) =>
        a.Nodes.Count == b.Nodes.Count && a.Nodes.Select(n => n.NodeId).SequenceEqual(b.Nodes.Select(n => n.NodeId), StringComparer.Ordinal);

    /// <summary>The key's replicas, primary first.</summary>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    /// <exception cref="NoHealthyNodesException">Every registered node is Failed.</exception>
    public NodeTarget[] Route(string key, int replicationFactor)
    {
        EnsureNodes();

        Span<int> indexes = stackalloc int[Math.Min(replicationFactor, _targets.Length)];
        var count = Ring.GetReplicas(key, replicationFactor, indexes);
        var route = new NodeTarget[count];
        for (var i = 0; i < count; i++)
        {
            route[i] = _targets[indexes[i]];
        }

        return route;
    }

    /// <summary>Every node on the ring (every node not Failed).</summary>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    /// <exception cref="NoHealthyNodesException">Every registered node is Failed.</exception>
    public IReadOnlyList<NodeTarget> AllTargets()
    {
        EnsureNodes();
        return _targets;
    }

    /// <summary>During a hand-off: whether <paramref name="nodeId"/> surely owned the key before the change too.</summary>
    public bool OwnedBefore(string key, string nodeId, int replicationFactor) =>
        _previousRing is not null && _previousRing.GetReplicas(key, replicationFactor).Any(n => n.NodeId == nodeId);

    /// <summary>During a hand-off: the key's previous owners that are no longer owners but still alive.</summary>
    public IReadOnlyList<NodeTarget> PreviousOnlyOwners(string key, int replicationFactor)
    {
        if (!InHandoff || _previousRing is null)
        {
            return [];
        }

        var current = Ring.GetReplicas(key, replicationFactor);
        return _previousRing.GetReplicas(key, replicationFactor)
            .Where(n => current.All(c => c.NodeId != n.NodeId) && _byId.ContainsKey(n.NodeId))
            .Select(n => _byId[n.NodeId])
            .ToArray();
    }

    private void EnsureNodes()
    {
        if (_targets.Length == 0)
        {
            throw Snapshot.Nodes.Count == 0 ? new NoNodesException() : new NoHealthyNodesException(Snapshot.Nodes.Count);
        }
    }
}
