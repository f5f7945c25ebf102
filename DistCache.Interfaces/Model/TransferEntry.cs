namespace DistCache;

/// <summary>One key moving between nodes (re-replication, rebalancing, hand-off): a value or a tombstone, with its version.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value, or null for a tombstone.</param>
/// <param name="Version">The version of the write that produced it.</param>
/// <param name="ExpiresAtTicks">UTC ticks when it expires; 0 for never.</param>
[GenerateSerializer, Immutable, Alias("distcache.transfer-entry")]
public sealed record TransferEntry(
    [property: Id(0)] string Key,
    [property: Id(1)] byte[]? Value,
    [property: Id(2)] CacheVersion Version,
    [property: Id(3)] long ExpiresAtTicks)
{
    /// <summary>The tags the entry was written with; null for none.</summary>
    [Id(4)] public string[]? Tags { get; init; }
}
