namespace DistCache;

/// <summary>
/// The version of one write to one key. Versions totally order the writes to a key: first by
/// <see cref="Timestamp"/> (a hybrid logical clock reading), then by <see cref="WriterId"/>,
/// which tells apart two writers that read the same clock value.
/// </summary>
/// <param name="Timestamp">Hybrid logical clock: Unix milliseconds in the upper 48 bits, a logical counter in the lower 16.</param>
/// <param name="WriterId">Identifies the silo that issued the write.</param>
[GenerateSerializer, Immutable, Alias("distcache.version")]
public readonly record struct CacheVersion(
    [property: Id(0)] long Timestamp,
    [property: Id(1)] int WriterId) : IComparable<CacheVersion>
{
    /// <summary>The version of "no write at all"; older than every real version.</summary>
    public static CacheVersion None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => Timestamp == 0 && WriterId == 0;

    /// <inheritdoc />
    public int CompareTo(CacheVersion other)
    {
        var byTime = Timestamp.CompareTo(other.Timestamp);
        return byTime != 0 ? byTime : WriterId.CompareTo(other.WriterId);
    }

    /// <summary>Whether <paramref name="left"/> is newer than <paramref name="right"/>.</summary>
    public static bool operator >(CacheVersion left, CacheVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is older than <paramref name="right"/>.</summary>
    public static bool operator <(CacheVersion left, CacheVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is newer than or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(CacheVersion left, CacheVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> is older than or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(CacheVersion left, CacheVersion right) => left.CompareTo(right) <= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Timestamp >> 16}.{Timestamp & 0xFFFF}@{WriterId:x8}";
}
