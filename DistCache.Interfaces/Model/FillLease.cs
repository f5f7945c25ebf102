namespace DistCache;

/// <summary>The answer to a request for the right to fill a missing key (stampede protection).</summary>
/// <param name="Granted">Whether the caller holds the lease now and should compute and write the value.</param>
/// <param name="Holder">Who holds the lease: the caller when granted, else another filler.</param>
/// <param name="ExpiresAt">When the lease runs out; after that another caller may take it over.</param>
[GenerateSerializer, Immutable, Alias("distcache.fill-lease")]
public sealed record FillLease(
    [property: Id(0)] bool Granted,
    [property: Id(1)] Guid Holder,
    [property: Id(2)] DateTimeOffset ExpiresAt);
