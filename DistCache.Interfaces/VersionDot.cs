namespace DistCache;

/// <summary>One entry of a version vector: the newest timestamp of one writer that a version has seen.</summary>
/// <param name="WriterId">The writer (a silo incarnation).</param>
/// <param name="Timestamp">Its hybrid logical clock timestamp.</param>
[GenerateSerializer, Immutable, Alias("distcache.version-dot")]
public readonly record struct VersionDot(
    [property: Id(0)] int WriterId,
    [property: Id(1)] long Timestamp);
