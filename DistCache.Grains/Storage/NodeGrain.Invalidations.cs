namespace DistCache.Storage;

/// <summary>Tag invalidation, and the feed that tells subscribers (near caches) what changed here.</summary>
internal sealed partial class NodeGrain
{
    private InvalidationFeed _feed = null!;

    public Task<int> InvalidateTagAsync(string tag, CacheVersion version)
    {
        EnsureInService();
        var deleted = _store.InvalidateTag(tag, version);
        foreach (var key in deleted)
        {
            _feed.KeyChanged(key);
        }

        _feed.TagInvalidated(tag);
        return Task.FromResult(deleted.Count);
    }

    public Task<InvalidationCursor> SubscribeAsync(ICacheInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        EnsureInService();
        return Task.FromResult(_feed.Subscribe(observer));
    }

    private Task FlushInvalidations(CancellationToken cancellationToken)
    {
        // A node in outage stays silent, as a partitioned one would: its subscribers must notice.
        if (!_inOutage && !_lostData)
        {
            _feed.Flush();
        }

        return Task.CompletedTask;
    }
}
