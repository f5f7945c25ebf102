namespace DistCache;

/// <summary>
/// The data-path entry point. A stateless worker: each silo runs its own activations, which route
/// every operation to the key's replicas from a cached topology, without asking the coordinator.
/// Address it with key 0: <c>grainFactory.GetGrain&lt;ICacheGrain&gt;(0)</c>.
/// </summary>
public interface ICacheGrain : IGrainWithIntegerKey
{
    /// <summary>Reads <paramref name="key"/>; null when it is absent, deleted or expired.</summary>
    /// <exception cref="ArgumentException">The key is empty or too long.</exception>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    /// <exception cref="NoHealthyNodesException">Every node is Failed.</exception>
    /// <exception cref="AllReplicasFailedException">No replica of the key answered.</exception>
    /// <exception cref="QuorumNotReachedException">Fewer replicas answered than <paramref name="consistency"/> needs.</exception>
    Task<CacheItem?> GetAsync(string key, ConsistencyLevel consistency);

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> and returns the write's version.</summary>
    /// <param name="key">Non-empty, at most 1024 bytes in UTF-8.</param>
    /// <param name="value">At most the configured maximum (1 MiB by default). Never mutate it after the call.</param>
    /// <param name="timeToLive">Absolute time to live from now; null for none. Must be positive.</param>
    /// <param name="consistency">How many replicas must acknowledge before the call returns.</param>
    /// <param name="tags">Tags to invalidate the entry by (<see cref="InvalidateTagAsync"/>); null for none.</param>
    /// <exception cref="ArgumentException">Bad key, value, time to live or tag; nothing was written.</exception>
    /// <exception cref="QuorumNotReachedException">Too few replicas acknowledged; the write may be applied on some.</exception>
    Task<CacheVersion> SetAsync(string key, [Immutable] byte[] value, TimeSpan? timeToLive, ConsistencyLevel consistency, [Immutable] string[]? tags = null);

    /// <summary>Removes <paramref name="key"/> from every replica (leaving a versioned tombstone) and returns the delete's version.</summary>
    Task<CacheVersion> RemoveAsync(string key, ConsistencyLevel consistency);

    /// <summary>
    /// Runs a batch of gets, sets and removes concurrently and answers each: how the client sends many
    /// callers' operations in one call. Each operation behaves as its single-call method would, and its
    /// failure is its own.
    /// </summary>
    Task<CacheOperationResult[]> ExecuteAsync([Immutable] CacheOperation[] operations);

    /// <summary>
    /// Deletes every entry tagged <paramref name="tag"/> on every node, and tells every subscriber. A node
    /// that misses it (unreachable) gets the deletes from its peers' tombstones by anti-entropy.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <param name="observed">
    /// The newest version timestamp the caller has written or read, if any: the invalidation is stamped
    /// above it, so it deletes the caller's own earlier tagged writes whichever silo stamped them.
    /// </param>
    /// <exception cref="ArgumentException">The tag is empty or too long.</exception>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    Task<TagInvalidation> InvalidateTagAsync(string tag, long observed = 0);

    /// <summary>
    /// Subscribes <paramref name="observer"/> to the invalidations of every node in the topology, and
    /// returns each node's invalidation cursor. Call it again periodically: it renews the subscription and
    /// reaches nodes that joined since. <c>CacheInvalidationListener</c> in DistCache.Client does this.
    /// </summary>
    Task<IReadOnlyList<InvalidationCursor>> SubscribeAsync(ICacheInvalidationObserver observer);

    /// <summary>
    /// Stampede protection across the cluster: asks the key's primary (or, if it is down, the next
    /// replica) for the lease to fill a missing key. One caller at a time holds it; the others wait for
    /// its value, or take over once the lease expires.
    /// </summary>
    /// <exception cref="ArgumentException">The key is bad.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is not between 1 ms and 5 minutes.</exception>
    Task<FillLease> AcquireFillLeaseAsync(string key, Guid owner, TimeSpan duration);

    /// <summary>Ends <paramref name="owner"/>'s lease on <paramref name="key"/> (after it wrote the value, or gave up).</summary>
    Task ReleaseFillLeaseAsync(string key, Guid owner);

    /// <summary>
    /// The topology and ring parameters this silo routes with, for clients that read straight from the
    /// nodes (<see cref="INodeGrain.ServeAsync"/>). Answered from the silo's cached topology.
    /// </summary>
    /// <exception cref="NoNodesException">No node is registered.</exception>
    Task<ReadRouting> GetReadRoutingAsync();

    /// <summary>The ids of the nodes that hold <paramref name="key"/>, primary first, as this silo's topology routes it.</summary>
    Task<IReadOnlyList<string>> GetReplicasAsync(string key);
}
