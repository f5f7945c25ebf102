namespace DistCache;

/// <summary>
/// The default conflict resolver: the write with the later hybrid-clock timestamp wins, and the
/// higher writer id breaks a tie. With it, a value is never replaced by one written earlier.
/// </summary>
public sealed class LastWriterWins : IConflictResolver
{
    /// <summary>The one instance; it holds no state.</summary>
    public static readonly LastWriterWins Instance = new();

    /// <inheritdoc />
    public bool FirstWins(in ConflictCandidate first, in ConflictCandidate second) => first.Version.CompareTo(second.Version) >= 0;
}
