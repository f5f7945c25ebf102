namespace DistCache;

/// <summary>A key and the version a node holds of it, without the value: what anti-entropy compares.</summary>
[GenerateSerializer, Immutable, Alias("distcache.key-summary")]
public sealed record KeySummary(
    [property: Id(0)] string Key,
    [property: Id(1)] CacheVersion Version);
