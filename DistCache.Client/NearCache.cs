namespace DistCache.Client;

/// <summary>
/// The client's L1: values of hot keys held in this process, dropped when the cluster's invalidation
/// feed says they changed, all dropped when the feed says it may have missed something, and never
/// served longer than <see cref="NearCacheOptions.MaxAge"/>. Serves nothing until the feed is up.
/// </summary>
/// <remarks>The bound, the eviction and the guard against storing what an invalidation overtook live in <see cref="NearCacheEntries"/>.</remarks>
internal sealed class NearCache : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly NearCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly NearCacheEntries _entries;
    private readonly Lock _subscribing = new();
    private volatile Task<CacheInvalidationListener>? _listener;
    private long _hits, _misses, _invalidations, _clears;

    public NearCache(IGrainFactory grains, NearCacheOptions options, TimeProvider clock) =>
        (_grains, _options, _clock, _entries) = (grains, options, clock, new NearCacheEntries(options.MaxEntries));

    public NearCacheCounters Counters => new(
        Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _invalidations), Interlocked.Read(ref _clears), _entries.Count);

    public bool TryGet(string key, out byte[]? value)
    {
        if (IsListening() && _entries.TryGet(key, _clock.GetUtcNow().UtcTicks, out value))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }

        Interlocked.Increment(ref _misses);
        value = null;
        return false;
    }

    /// <summary>Call before reading from the cluster; pass the result to <see cref="Store"/>.</summary>
    public long BeginRead() => _entries.BeginRead();

    /// <summary>Keeps what a read found, unless the key was invalidated while the read was under way.</summary>
    public void Store(string key, CacheItem? item, long readBegan)
    {
        if (item is null || !IsListening())
        {
            return;
        }

        var now = _clock.GetUtcNow().UtcTicks;
        _entries.Store(key, item.Value, Math.Min(now + _options.MaxAge.Ticks, item.ExpiresAt?.UtcTicks ?? long.MaxValue), readBegan);
    }

    public void Invalidate(string key)
    {
        if (_entries.Invalidate(key))
        {
            Interlocked.Increment(ref _invalidations);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        Interlocked.Increment(ref _clears);
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is { IsCompletedSuccessfully: true } started)
        {
            await started.Result.DisposeAsync();
        }
    }

    /// <summary>Whether the invalidation feed is up; starts it (again, after a failure) if not.</summary>
    private bool IsListening()
    {
        if (_listener is { IsCompletedSuccessfully: true })
        {
            return true;
        }

        lock (_subscribing)
        {
            if (_listener is null || _listener.IsFaulted || _listener.IsCanceled)
            {
                _listener = StartListeningAsync();
            }

            return _listener.IsCompletedSuccessfully;
        }
    }

    private async Task<CacheInvalidationListener> StartListeningAsync()
    {
        var listener = await CacheInvalidationListener.StartAsync(_grains, _options.Invalidations);
        listener.Invalidated += batch =>
        {
            foreach (var key in batch.Keys)
            {
                Invalidate(key);
            }
        };
        listener.MayBeStale += _ => Clear();

        // Anything read before the feed was up may already be stale.
        Clear();
        return listener;
    }
}
