using Orleans.Concurrency;

namespace DistCache.Replication;

/// <summary>The data-path entry point: a thin shell over this silo's <see cref="ReplicatedCache"/>.</summary>
[StatelessWorker]
[Reentrant] // Holds no state of its own; without this each worker would sit idle through every replica round trip.
internal sealed class CacheGrain(ReplicatedCache cache) : Grain, ICacheGrain
{
    public Task<CacheItem?> GetAsync(string key, ConsistencyLevel consistency) => cache.GetAsync(key, consistency);

    public Task<CacheVersion> SetAsync(string key, byte[] value, TimeSpan? timeToLive, ConsistencyLevel consistency, string[]? tags = null) =>
        cache.SetAsync(key, value, timeToLive, consistency, tags);

    public Task<CacheVersion> RemoveAsync(string key, ConsistencyLevel consistency) => cache.RemoveAsync(key, consistency);

    public Task<CacheOperationResult[]> ExecuteAsync(CacheOperation[] operations) => cache.ExecuteAsync(operations);

    public Task<TagInvalidation> InvalidateTagAsync(string tag, long observed = 0) => cache.InvalidateTagAsync(tag, observed);

    public Task<IReadOnlyList<InvalidationCursor>> SubscribeAsync(ICacheInvalidationObserver observer) => cache.SubscribeAsync(observer);

    public Task<FillLease> AcquireFillLeaseAsync(string key, Guid owner, TimeSpan duration) => cache.AcquireFillLeaseAsync(key, owner, duration);

    public Task ReleaseFillLeaseAsync(string key, Guid owner) => cache.ReleaseFillLeaseAsync(key, owner);

    public Task<ReadRouting> GetReadRoutingAsync() => cache.GetReadRoutingAsync();

    public Task<IReadOnlyList<string>> GetReplicasAsync(string key) => cache.GetReplicasAsync(key);
}
