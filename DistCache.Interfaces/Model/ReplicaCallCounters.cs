namespace DistCache;

/// <summary>How often the data path of one silo gave up on one node.</summary>
/// <param name="Failovers">Reads that moved on to the next replica because this node failed to answer.</param>
/// <param name="ReplicationFailures">Writes or deletes this node failed to acknowledge.</param>
[GenerateSerializer, Immutable, Alias("distcache.replica-counters")]
public sealed record ReplicaCallCounters(
    [property: Id(0)] long Failovers,
    [property: Id(1)] long ReplicationFailures);
