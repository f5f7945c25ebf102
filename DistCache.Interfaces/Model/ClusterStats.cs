namespace DistCache;

/// <summary>Statistics of the whole cluster: client operations, and every node's store and health.</summary>
[GenerateSerializer, Immutable, Alias("distcache.cluster-stats")]
public sealed record ClusterStats
{
    /// <summary>The topology version the statistics were taken at.</summary>
    [Id(0)] public long TopologyVersion { get; init; }

    /// <summary>Client operations, summed over the data paths of every silo.</summary>
    [Id(1)] public required DataPathCounters Operations { get; init; }

    /// <summary>Every registered node.</summary>
    [Id(2)] public required IReadOnlyList<NodeStats> Nodes { get; init; }

    /// <summary>The silo the coordinator runs on.</summary>
    [Id(3)] public string? CoordinatorSilo { get; init; }

    /// <summary>
    /// Silos hosting live nodes whose data path still routes with an older topology (by their last
    /// report). Writes through such a silo may be placed on fewer silos than the cluster now has.
    /// </summary>
    [Id(4)] public IReadOnlyList<string> SilosOnOlderTopology { get; init; } = [];

    /// <summary>Reads that failed over to a replica.</summary>
    public long Failovers => Nodes.Sum(n => n.Failovers);

    /// <summary>Replica writes that were not acknowledged.</summary>
    public long ReplicationFailures => Nodes.Sum(n => n.ReplicationFailures);

    /// <summary>Entries evicted from full stores.</summary>
    public long Evictions => Nodes.Sum(n => n.Store.Evictions);

    /// <summary>Live entries, counting every replica.</summary>
    public long Items => Nodes.Sum(n => n.Store.Items);

    /// <summary>Bytes used, counting every replica.</summary>
    public long Bytes => Nodes.Sum(n => n.Store.Bytes);

    /// <summary>Total capacity of the nodes that are not Failed.</summary>
    public long CapacityBytes => Nodes.Where(n => n.Node.Status != NodeStatus.Failed).Sum(n => n.Node.CapacityBytes);

    /// <summary>Bytes used over capacity, for the nodes that are not Failed.</summary>
    public double Utilization
    {
        get
        {
            var capacity = CapacityBytes;
            return capacity == 0 ? 0 : (double)Nodes.Where(n => n.Node.Status != NodeStatus.Failed).Sum(n => n.Store.Bytes) / capacity;
        }
    }
}
