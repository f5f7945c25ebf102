namespace DistCache.Hosting;

/// <summary>Settings of DistCache on a silo. Bound from the <c>DistCache</c> configuration section.</summary>
public sealed class DistCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "DistCache";

    /// <summary>Cache nodes this silo hosts. One node serves one request at a time, so about one per core uses the machine.</summary>
    public int NodesPerSilo { get; set; } = 3;

    /// <summary>Capacity of each node's store in bytes (keys, values and per-entry overhead). 1 GiB by default.</summary>
    public long NodeCapacityBytes { get; set; } = 1L << 30;

    /// <summary>The largest value accepted, in bytes. 1 MiB by default.</summary>
    public int MaxValueBytes { get; set; } = CacheLimits.DefaultMaxValueBytes;

    /// <summary>
    /// Whether the silo serves clients' direct reads and writes over its data port, a plain TCP listener on the
    /// silo's address, instead of as Orleans grain calls: fewer thread hand-offs per batch, and one frame
    /// carries a client's operations for all of the silo's nodes. Like Orleans' gateway by default, it has no
    /// authentication or encryption: keep it on a trusted network. Clients without it fall back to grain calls.
    /// </summary>
    public bool DataPortEnabled { get; set; } = true;

    /// <summary>The data port's TCP port; 0 (the default) takes a free one when the silo starts.</summary>
    public int DataPort { get; set; }

    /// <summary>Replicas per key, primary included; clamped to the healthy nodes available.</summary>
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>Points each node owns on the hash ring; more points spread keys more evenly.</summary>
    public int VirtualNodesPerNode { get; set; } = 256;

    /// <summary>How often a node reports its metrics to the coordinator.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A node silent for longer is Failed.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the coordinator re-evaluates node health on its own.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose silo's CPU usage is above this percentage is Degraded.</summary>
    public double DegradedCpuPercent { get; set; } = 90;

    /// <summary>A node whose silo's memory usage is above this percentage is Degraded.</summary>
    public double DegradedMemoryPercent { get; set; } = 90;

    /// <summary>How long the data path waits for one replica before counting it as failed and moving on.</summary>
    public TimeSpan ReplicaCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often each silo asks the coordinator whether the topology changed.</summary>
    public TimeSpan TopologyRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a delete's tombstone is kept, shielding the key from late, older writes.</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// For this long after the ring changes, a read that finds nothing on a new owner also asks the
    /// key's previous owners, which may not have handed it over yet.
    /// </summary>
    public TimeSpan HandoffReadWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a Failed node stays listed before the coordinator forgets it.</summary>
    public TimeSpan FailedNodeRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a node drops expired entries that nobody read.</summary>
    public TimeSpan ExpirationSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The share of Eventual reads that, after answering from one replica, also read the key's other
    /// replicas in the background and repair any that disagree. Quorum and Strong reads always repair
    /// the replicas they read. 0.1 by default; 0 turns background repair off.
    /// </summary>
    public double ReadRepairChance { get; set; } = 0.1;

    /// <summary>
    /// How long a node keeps hints for a replica that missed writes while unreachable. Past it (or when
    /// the replica leaves the ring) the hints are dropped, and anti-entropy repairs what they covered.
    /// </summary>
    public TimeSpan HintWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most hinted keys one node holds for all replicas together; more are dropped.</summary>
    public int MaxHintsPerNode { get; set; } = 100_000;

    /// <summary>
    /// How often each node compares digests of the keys it shares with every other replica, and
    /// exchanges what differs. Each comparison walks the node's store once.
    /// </summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Store slots an anti-entropy walk covers in one turn of the node; between turns the node serves
    /// requests, so a round over a big store stalls none of them for long (8,192 slots: about 3 ms).
    /// </summary>
    public int AntiEntropyScanChunk { get; set; } = 8_192;

    /// <summary>How long a node gathers invalidations before sending them to subscribers as one batch.</summary>
    public TimeSpan InvalidationFlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How often a node with nothing to report sends subscribers an empty batch, so a subscriber that
    /// hears nothing for a few of these knows it may be stale.
    /// </summary>
    public TimeSpan InvalidationHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A subscription to invalidations not renewed for this long ends.</summary>
    public TimeSpan InvalidationSubscriptionExpiry { get; set; } = TimeSpan.FromMinutes(1);
}
