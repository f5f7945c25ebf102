namespace DistCache;

/// <summary>
/// The version of one key's value: the write that produced it (its <em>dot</em>: <see cref="Timestamp"/>
/// and <see cref="WriterId"/>) and a version vector of every write it supersedes.
/// </summary>
/// <remarks>
/// <para>
/// The vector maps each writer (a silo incarnation) to the newest timestamp of that writer the value
/// has seen: the dot itself, plus <see cref="Absorbed"/>, which lists other writers' writes merged in
/// when two concurrent versions were resolved. <see cref="CompareCausally"/> compares vectors and says
/// newer, older, equal or concurrent. A write carries no read context, so two writes to one key through
/// different silos are concurrent unless one of them already absorbed the other; replicas then resolve
/// them with the cluster's conflict resolver (last writer wins by default).
/// </para>
/// <para>
/// <see cref="CompareTo"/> is the last-writer-wins order of dots (timestamp, then writer id), used to
/// break ties and by the default resolver.
/// </para>
/// </remarks>
/// <param name="Timestamp">Hybrid logical clock: Unix milliseconds in the upper 48 bits, a logical counter in the lower 16.</param>
/// <param name="WriterId">Identifies the silo incarnation that issued the write.</param>
[GenerateSerializer, Immutable, Alias("distcache.version")]
public readonly record struct CacheVersion(
    [property: Id(0)] long Timestamp,
    [property: Id(1)] int WriterId) : IComparable<CacheVersion>
{
    /// <summary>
    /// Other writers' newest timestamps this version has absorbed, sorted by writer id; null for a plain
    /// write. Never lists <see cref="WriterId"/> with a timestamp at or below <see cref="Timestamp"/>.
    /// </summary>
    [Id(2)]
    public VersionDot[]? Absorbed { get; init; }

    /// <summary>The version of "no write at all"; older than every real version.</summary>
    public static CacheVersion None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => Timestamp == 0 && WriterId == 0;

    /// <summary>The newest timestamp of <paramref name="writerId"/> this version has seen; 0 for none.</summary>
    public long Seen(int writerId)
    {
        var seen = writerId == WriterId ? Timestamp : 0;
        foreach (var dot in Absorbed ?? [])
        {
            if (dot.WriterId == writerId && dot.Timestamp > seen)
            {
                seen = dot.Timestamp;
            }
        }

        return seen;
    }

    /// <summary>How this version relates to <paramref name="other"/> by their version vectors.</summary>
    public Causality CompareCausally(CacheVersion other)
    {
        if (Absorbed is null && other.Absorbed is null)
        {
            // The common case, two plain writes: one writer's writes are ordered by its clock.
            if (IsNone || other.IsNone || WriterId == other.WriterId)
            {
                var byTime = Timestamp.CompareTo(other.Timestamp);
                return byTime > 0 ? Causality.Newer : byTime < 0 ? Causality.Older : Causality.Equal;
            }

            return Causality.Concurrent;
        }

        var ahead = Ahead(this, other);
        var behind = Ahead(other, this);
        return (ahead, behind) switch
        {
            (true, true) => Causality.Concurrent,
            (true, false) => Causality.Newer,
            (false, true) => Causality.Older,
            // Equal vectors with different dots can only be two resolutions that picked different values.
            _ => this == other ? Causality.Equal : Causality.Concurrent,
        };
    }

    /// <summary>
    /// The version of <paramref name="winner"/>'s value after it absorbs <paramref name="loser"/>:
    /// the winner's dot with the pointwise maximum of both vectors, so it supersedes both.
    /// </summary>
    public static CacheVersion Merge(CacheVersion winner, CacheVersion loser)
    {
        var dots = new SortedDictionary<int, long>();
        Add(dots, winner);
        Add(dots, loser);
        if (dots.TryGetValue(winner.WriterId, out var own) && own <= winner.Timestamp)
        {
            dots.Remove(winner.WriterId);
        }

        if (dots.Count > MaxAbsorbed)
        {
            // Bounded: forget the oldest writers. At worst a long-superseded write later looks concurrent
            // instead of older, and the resolver still ranks it below the newer value.
            foreach (var oldest in dots.OrderBy(d => d.Value).ThenBy(d => d.Key).Take(dots.Count - MaxAbsorbed).ToList())
            {
                dots.Remove(oldest.Key);
            }
        }

        return winner with { Absorbed = dots.Count == 0 ? null : dots.Select(d => new VersionDot(d.Key, d.Value)).ToArray() };
    }

    /// <summary>The most writers a version's vector remembers besides its own.</summary>
    public const int MaxAbsorbed = 16;

    /// <inheritdoc />
    public int CompareTo(CacheVersion other)
    {
        var byTime = Timestamp.CompareTo(other.Timestamp);
        return byTime != 0 ? byTime : WriterId.CompareTo(other.WriterId);
    }

    /// <inheritdoc />
    public bool Equals(CacheVersion other) =>
        Timestamp == other.Timestamp && WriterId == other.WriterId &&
        (Absorbed ?? []).AsSpan().SequenceEqual(other.Absorbed ?? []);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Timestamp);
        hash.Add(WriterId);
        foreach (var dot in Absorbed ?? [])
        {
            hash.Add(dot);
        }

        return hash.ToHashCode();
    }

    /// <summary>Whether <paramref name="left"/> is later than <paramref name="right"/> in last-writer-wins order.</summary>
    public static bool operator >(CacheVersion left, CacheVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is earlier than <paramref name="right"/> in last-writer-wins order.</summary>
    public static bool operator <(CacheVersion left, CacheVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is later than or the same as <paramref name="right"/> in last-writer-wins order.</summary>
    public static bool operator >=(CacheVersion left, CacheVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> is earlier than or the same as <paramref name="right"/> in last-writer-wins order.</summary>
    public static bool operator <=(CacheVersion left, CacheVersion right) => left.CompareTo(right) <= 0;

    /// <inheritdoc />
    public override string ToString()
    {
        var dot = $"{Timestamp >> 16}.{Timestamp & 0xFFFF}@{WriterId:x8}";
        return Absorbed is null ? dot : $"{dot}+[{string.Join(",", Absorbed.Select(d => $"{d.Timestamp >> 16}.{d.Timestamp & 0xFFFF}@{d.WriterId:x8}"))}]";
    }

    private static void Add(SortedDictionary<int, long> dots, CacheVersion version)
    {
        Max(dots, version.WriterId, version.Timestamp);
        foreach (var dot in version.Absorbed ?? [])
        {
            Max(dots, dot.WriterId, dot.Timestamp);
        }
    }

    private static void Max(SortedDictionary<int, long> dots, int writer, long timestamp)
    {
        if (!dots.TryGetValue(writer, out var seen) || timestamp > seen)
        {
            dots[writer] = timestamp;
        }
    }

    /// <summary>Whether <paramref name="a"/> has seen some write <paramref name="b"/> has not.</summary>
    private static bool Ahead(CacheVersion a, CacheVersion b)
    {
        if (a.Seen(a.WriterId) > b.Seen(a.WriterId))
        {
            return true;
        }

        foreach (var dot in a.Absorbed ?? [])
        {
            if (a.Seen(dot.WriterId) > b.Seen(dot.WriterId))
            {
                return true;
            }
        }

        return false;
    }
}
