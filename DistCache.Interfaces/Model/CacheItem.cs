namespace DistCache;

/// <summary>A value read from the cache.</summary>
/// <param name="Value">The cached bytes. Treat as read-only: inside a silo it is not copied.</param>
/// <param name="Version">The version of the write that produced it.</param>
/// <param name="ExpiresAt">When it expires, or null when it has no time to live.</param>
[GenerateSerializer, Immutable, Alias("distcache.item")]
public sealed record CacheItem(
    [property: Id(0)] byte[] Value,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] DateTimeOffset? ExpiresAt);
