namespace DistCache;

/// <summary>
/// What a client needs to read straight from the nodes, one hop instead of two: the topology and the
/// ring parameters a silo routes with, so the client finds a key's replicas as the silo would.
/// </summary>
/// <param name="Topology">The topology the silo routes with.</param>
/// <param name="ReplicationFactor">Replicas per key.</param>
/// <param name="VirtualNodes">Points per node on the ring.</param>
/// <param name="RingFingerprint">
/// The fingerprint of the silo's ring. A node answers a direct read only while its own silo routes
/// with this ring, so a client with an outdated view falls back instead of reading a former owner.
/// </param>
/// <param name="ReadRepairChance">The chance that an Eventual read also checks the other replicas (see the silo's options).</param>
/// <param name="ReplicaCallTimeout">How long a read of one node may take before the client falls back.</param>
/// <param name="InHandoff">
/// Whether keys may still be moving after the silo's last ring change (or its start): a new owner's
/// miss proves nothing then, so Quorum and Strong reads go through the entry grain, which asks every
/// replica and the previous owners.
/// </param>
[GenerateSerializer, Immutable, Alias("distcache.read-routing")]
public sealed record ReadRouting(
    [property: Id(0)] TopologySnapshot Topology,
    [property: Id(1)] int ReplicationFactor,
    [property: Id(2)] int VirtualNodes,
    [property: Id(3)] ulong RingFingerprint,
    [property: Id(4)] double ReadRepairChance,
    [property: Id(5)] TimeSpan ReplicaCallTimeout,
    [property: Id(6)] bool InHandoff);
