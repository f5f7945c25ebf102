namespace DistCache;

/// <summary>What one node holds for a key: nothing, a tombstone, or a live value.</summary>
/// <param name="Value">The value, or null for nothing or a tombstone.</param>
/// <param name="Version">The version held; <see cref="CacheVersion.None"/> when the node has nothing.</param>
/// <param name="ExpiresAtTicks">UTC ticks when the value expires; 0 for never.</param>
[GenerateSerializer, Immutable, Alias("distcache.node-read")]
public sealed record NodeReadResult(
    [property: Id(0)] byte[]? Value,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] long ExpiresAtTicks)
{
    /// <summary>The node holds nothing for the key.</summary>
    public static readonly NodeReadResult Missing = new(null, CacheVersion.None, 0);

    /// <summary>The tags the value was written with; null for none.</summary>
    [Id(3)] public string[]? Tags { get; init; }

    /// <summary>Whether this is a live value (not missing, not deleted).</summary>
    public bool IsLive => Value is not null;

    /// <summary>The value as a cache read returns it; null when missing or deleted.</summary>
    public CacheItem? ToItem() =>
        Value is null ? null : new CacheItem(Value, Version, ExpiresAtTicks == 0 ? null : new DateTimeOffset(ExpiresAtTicks, TimeSpan.Zero));
}
