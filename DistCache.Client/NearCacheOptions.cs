namespace DistCache.Client;

/// <summary>Settings of the client's near cache (L1): hot keys served from this process's memory.</summary>
public sealed class NearCacheOptions
{
    /// <summary>Whether Eventual reads are served from local memory when they can. Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The most entries kept; past it the least recently used tenth is dropped.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// The longest an entry is served from local memory, whatever the invalidation feed says: the
    /// staleness bound if invalidations were lost without the feed noticing.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Settings of the invalidation feed the near cache listens to.</summary>
    public CacheInvalidationListenerOptions Invalidations { get; set; } = new();
}
