using System.Collections.Concurrent;

namespace DistCache.Client;

/// <summary>
/// The client's L1: values of hot keys held in this process, dropped when the cluster's invalidation
/// feed says they changed, all dropped when the feed says it may have missed something, and never
/// served longer than <see cref="NearCacheOptions.MaxAge"/>. Serves nothing until the feed is up.
/// </summary>
/// <remarks>
/// A read that raced with an invalidation must not store what it read: every invalidation bumps a
/// generation, and a read stores its value only if its key (and the whole cache) was not
/// invalidated since the read began.
/// </remarks>
internal sealed class NearCache : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly NearCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _invalidatedAt = new(StringComparer.Ordinal);
    private readonly Lock _subscribing = new();
    private volatile Task<CacheInvalidationListener>? _listener;
    private long _generation, _clearedAt, _hits, _misses, _invalidations, _clears;

    public NearCache(IGrainFactory grains, NearCacheOptions options, TimeProvider clock) =>
        (_grains, _options, _clock) = (grains, options, clock);

    public NearCacheCounters Counters => new(
        Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _invalidations), Interlocked.Read(ref _clears), _entries.Count);

    public bool TryGet(string key, out byte[]? value)
    {
        value = null;
        if (!IsListening() || !_entries.TryGetValue(key, out var entry))
        {
            Interlocked.Increment(ref _misses);
            return false;
        }

        var now = _clock.GetUtcNow().UtcTicks;
        if (entry.ExpiresAtTicks <= now)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            Interlocked.Increment(ref _misses);
            return false;
        }

        entry.LastUsedTicks = now;
        value = entry.Value;
        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Call before reading from the cluster; pass the result to <see cref="Store"/>.</summary>
    public long BeginRead() => Interlocked.Read(ref _generation);

    /// <summary>Keeps what a read found, unless the key was invalidated while the read was under way.</summary>
    public void Store(string key, CacheItem? item, long readBegan)
    {
        if (item is null || !IsListening() || Interlocked.Read(ref _clearedAt) > readBegan ||
            (_invalidatedAt.TryGetValue(key, out var invalidated) && invalidated > readBegan))
        {
            return;
        }

        var now = _clock.GetUtcNow().UtcTicks;
        var expiresAt = Math.Min(now + _options.MaxAge.Ticks, item.ExpiresAt?.UtcTicks ?? long.MaxValue);
        if (_entries.Count >= _options.MaxEntries)
        {
            EvictLeastRecentlyUsed();
        }

        _entries[key] = new Entry(item.Value, expiresAt) { LastUsedTicks = now };
    }

    public void Invalidate(string key)
    {
        _invalidatedAt[key] = Interlocked.Increment(ref _generation);
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Increment(ref _invalidations);
        }

        if (_invalidatedAt.Count > 4 * _options.MaxEntries)
        {
            // Bounded: forgetting per-key marks is safe once everything is treated as invalidated.
            Clear();
        }
    }

    public void Clear()
    {
        Interlocked.Exchange(ref _clearedAt, Interlocked.Increment(ref _generation));
        _entries.Clear();
        _invalidatedAt.Clear();
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

    private void EvictLeastRecentlyUsed()
    {
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastUsedTicks).Take(Math.Max(1, _options.MaxEntries / 10)).ToList())
        {
            _entries.TryRemove(key, out _);
        }
    }

    private sealed class Entry(byte[] value, long expiresAtTicks)
    {
        public byte[] Value { get; } = value;

        public long ExpiresAtTicks { get; } = expiresAtTicks;

        public long LastUsedTicks { get; set; }
    }
}
