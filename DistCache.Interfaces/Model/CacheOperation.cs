namespace DistCache;

/// <summary>One client operation carried in a batch to the cluster (see <see cref="ICacheGrain.ExecuteAsync"/>).</summary>
/// <param name="Kind">Get, Set or Remove.</param>
/// <param name="Key">The key.</param>
/// <param name="Level">The consistency level.</param>
/// <param name="Value">The value of a Set.</param>
/// <param name="TimeToLive">The time to live of a Set; null for none.</param>
/// <param name="Tags">The tags of a Set; null for none.</param>
[GenerateSerializer, Immutable, Alias("distcache.cache-operation")]
public sealed record CacheOperation(
    [property: Id(0)] NodeOperationKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] ConsistencyLevel Level,
    [property: Id(3)] byte[]? Value = null,
    [property: Id(4)] TimeSpan? TimeToLive = null,
    [property: Id(5)] string[]? Tags = null)
{
    /// <summary>
    /// The newest version timestamp the client has seen, read or written; 0 for none. The silo moves its
    /// clock past it before it stamps a Set or Remove, so a client's write ranks above every version
    /// it saw before, whichever silo or node showed it that version.
    /// </summary>
    [Id(6)] public long Observed { get; init; }
}

/// <summary>The outcome of one <see cref="CacheOperation"/>: what a Get found, the version a Set or Remove wrote, or the error it raised.</summary>
[GenerateSerializer, Immutable, Alias("distcache.cache-operation-result")]
public sealed record CacheOperationResult(
    [property: Id(0)] CacheItem? Item,
    [property: Id(1)] CacheVersion Version,
    [property: Id(2)] Exception? Error = null);
