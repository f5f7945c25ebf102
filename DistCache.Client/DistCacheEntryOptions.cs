namespace DistCache.Client;

/// <summary>How one write is stored. Unset properties take the client's defaults.</summary>
public sealed record DistCacheEntryOptions
{
    /// <summary>Time to live from now; null for the client's default.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Consistency of the write; null for the client's default.</summary>
    public ConsistencyLevel? Consistency { get; init; }

    /// <summary>Tags to invalidate the entry by (<see cref="IDistCache.InvalidateTagAsync"/>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
