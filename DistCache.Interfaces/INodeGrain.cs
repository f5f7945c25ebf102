using Orleans.Concurrency;

namespace DistCache;

/// <summary>
/// One cache node: a bounded, versioned key/value store pinned to the silo that created it.
/// The key is <c>"{silo}|{index}"</c>; the node never activates on another silo.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Activates the node, registers it with the coordinator, and starts its heartbeat.</summary>
    Task<NodeRegistration> StartAsync();

    /// <summary>Reads what the node holds for <paramref name="key"/>, tombstones included.</summary>
    Task<NodeReadResult> GetAsync(string key);

    /// <summary>Stores <paramref name="value"/> unless the node holds a newer version of the key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; not copied inside the silo, never mutated.</param>
    /// <param name="version">The write's version.</param>
    /// <param name="expiresAtTicks">UTC ticks when the value expires; 0 for never.</param>
    /// <param name="tags">Tags to invalidate the entry by; null for none.</param>
    Task<NodeWriteResult> SetAsync(string key, [Immutable] byte[] value, CacheVersion version, long expiresAtTicks, [Immutable] string[]? tags);

    /// <summary>Replaces the key with a tombstone of <paramref name="version"/> unless the node holds a newer version.</summary>
    Task<NodeWriteResult> RemoveAsync(string key, CacheVersion version);

    /// <summary>
    /// Runs a batch of reads and writes, in order, and answers each; an operation's bad input is its
    /// own error, not the batch's. A node out of service refuses the whole batch.
    /// </summary>
    Task<NodeOperationResult[]> ExecuteAsync([Immutable] NodeOperation[] operations);

    /// <summary>
    /// A client's operations straight to the node, reads and writes in one call (see
    /// <see cref="ICacheGrain.GetReadRoutingAsync"/>): one hop instead of two (client to entry grain to node),
    /// and one message for the operations many callers have in flight to the node.
    /// <list type="bullet">
    /// <item>Reads: what the node holds for each key, tombstones included, unless its silo routes with another
    /// ring than <paramref name="ring"/>, or the key is absent while keys may still be moving to it (a miss
    /// proves nothing then). The client reads those through <see cref="ICacheGrain"/>.</item>
    /// <item>Writes, sent to each key's primary: the node coordinates each as <see cref="ICacheGrain.ExecuteAsync"/>
    /// would, routing with its silo's topology, stamping the version and replicating at the operation's level;
    /// its own replica's part it applies in place, without a call.</item>
    /// </list>
    /// A node out of service refuses the whole call, and the client sends its operations through <see cref="ICacheGrain"/>.
    /// </summary>
    /// <param name="ring">The <see cref="ReadRouting.RingFingerprint"/> the client routed its reads with.</param>
    /// <param name="keys">The keys to read, already validated by the client.</param>
    /// <param name="versionOnly">
    /// Per key, whether to leave the value out of the answer and send only the version: a Quorum or Strong
    /// read takes the value from one replica and compares versions with the others, so values cross the
    /// network once. Null to send every value.
    /// </param>
    /// <param name="writes">The sets and removes this node is the primary for.</param>
    Task<NodeServeReply> ServeAsync(ulong ring, [Immutable] string[] keys, [Immutable] bool[]? versionOnly, [Immutable] CacheOperation[] writes);

    /// <summary>
    /// Applies entries copied from another node; each one only if it is newer than what this node
    /// holds. Returns how many were applied.
    /// </summary>
    Task<int> ImportAsync([Immutable] IReadOnlyList<TransferEntry> entries);

    /// <summary>
    /// Graceful leave: stops serving, copies every entry to the replicas that own it in
    /// <paramref name="topology"/> (which no longer lists this node), and returns how many entries it handed off.
    /// </summary>
    Task<int> LeaveAsync(TopologySnapshot topology);

    /// <summary>
    /// Deletes every entry tagged <paramref name="tag"/> written before <paramref name="version"/>, tells
    /// subscribers, and returns how many entries it deleted.
    /// </summary>
    Task<int> InvalidateTagAsync(string tag, CacheVersion version);

    /// <summary>
    /// Hinted hand-off: <paramref name="replicaNodeId"/> missed a write of each of <paramref name="keys"/>;
    /// this node copies what it holds of them to that replica once it answers again.
    /// </summary>
    [OneWay]
    Task AddHintsAsync(string replicaNodeId, [Immutable] string[] keys);

    /// <summary>
    /// Anti-entropy, first step: compares <paramref name="digests"/> (per bucket, of the keys both nodes own
    /// on the ring with fingerprint <paramref name="ring"/>) with this node's own. Returns the buckets that
    /// differ, or null when this node's ring is another one and it cannot compare now.
    /// </summary>
    Task<int[]?> CompareDigestsAsync(string peerNodeId, ulong ring, [Immutable] ulong[] digests);

    /// <summary>
    /// Anti-entropy, second step: given what the peer holds in <paramref name="buckets"/>, returns what this
    /// node holds that the peer lacks or holds older, and the keys it wants from the peer; null when this node's
    /// ring is another one.
    /// </summary>
    Task<ReconcileReply?> ReconcileAsync(string peerNodeId, ulong ring, [Immutable] int[] buckets, [Immutable] IReadOnlyList<KeySummary> peerHolds);

    /// <summary>
    /// Subscribes <paramref name="observer"/> to this node's invalidations until the subscription expires
    /// (renew it well within <c>DistCacheOptions.InvalidationSubscriptionExpiry</c>), and returns where the
    /// node's invalidation sequence stands.
    /// </summary>
    Task<InvalidationCursor> SubscribeAsync(ICacheInvalidationObserver observer);

    /// <summary>
    /// Grants <paramref name="owner"/> the lease to fill <paramref name="key"/> for <paramref name="duration"/>,
    /// unless another owner holds an unexpired one (then says who, and until when).
    /// </summary>
    Task<FillLease> AcquireFillLeaseAsync(string key, Guid owner, TimeSpan duration);

    /// <summary>Ends <paramref name="owner"/>'s lease on <paramref name="key"/>, if it still holds it.</summary>
    [OneWay]
    Task ReleaseFillLeaseAsync(string key, Guid owner);

    /// <summary>The store's counters now.</summary>
    Task<StoreCounters> GetCountersAsync();

    /// <summary>
    /// Fault injection for demos and tests: while in outage the node refuses every data operation
    /// with <see cref="NodeUnavailableException"/> and stops heartbeating, as a partitioned node
    /// would; it keeps its data. Ending the outage resumes both.
    /// </summary>
    Task SimulateOutageAsync(bool inOutage);
}
