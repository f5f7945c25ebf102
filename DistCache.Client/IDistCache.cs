namespace DistCache.Client;

/// <summary>
/// The typed DistCache API. Arguments are checked before any network call. Failures surface as
/// <see cref="DistCacheException"/> subtypes: <see cref="ClusterUnavailableException"/>,
/// <see cref="DistCacheTimeoutException"/>, <see cref="QuorumNotReachedException"/>, <see cref="AllReplicasFailedException"/>.
/// </summary>
public interface IDistCache
{
    /// <summary>The value under <paramref name="key"/>, or default when absent. Eventual reads may come from the near cache.</summary>
    Task<T?> GetAsync<T>(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>The raw bytes under <paramref name="key"/>, or null when absent. Do not mutate them.</summary>
    Task<byte[]?> GetBytesAsync(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="value"/> (serialized) under <paramref name="key"/>.</summary>
    Task<CacheVersion> SetAsync<T>(string key, T value, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Writes raw bytes under <paramref name="key"/>. Do not mutate them afterwards.</summary>
    Task<CacheVersion> SetBytesAsync(string key, byte[] value, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> from every replica.</summary>
    Task RemoveAsync(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys at once; absent ones map to default.</summary>
    Task<IReadOnlyDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default);

    /// <summary>Writes several entries at once, all with <paramref name="options"/>.</summary>
    Task SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> entries, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The value under <paramref name="key"/>; on a miss, runs <paramref name="factory"/> and stores its
    /// result. Concurrent misses run the factory once per process, and once across the cluster: the
    /// key's primary grants a fill lease to one caller, and the others wait for its value (or take
    /// over once the lease expires). The factory runs with no cancellation: other callers may be waiting for it.
    /// </summary>
    Task<T> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T>> factory, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every entry tagged <paramref name="tag"/> on every node.</summary>
    Task<TagInvalidation> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);
}
