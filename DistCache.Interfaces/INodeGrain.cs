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
    Task<NodeWriteResult> SetAsync(string key, [Immutable] byte[] value, CacheVersion version, long expiresAtTicks);

    /// <summary>Replaces the key with a tombstone of <paramref name="version"/> unless the node holds a newer version.</summary>
    Task<NodeWriteResult> RemoveAsync(string key, CacheVersion version);

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

    /// <summary>The store's counters now.</summary>
    Task<StoreCounters> GetCountersAsync();

    /// <summary>
    /// Fault injection for demos and tests: while in outage the node refuses every data operation
    /// with <see cref="NodeUnavailableException"/> and stops heartbeating, as a partitioned node
    /// would; it keeps its data. Ending the outage resumes both.
    /// </summary>
    Task SimulateOutageAsync(bool inOutage);
}
