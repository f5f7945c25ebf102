namespace DistCache.Replication;

/// <summary>The one rule every replica and every reader applies to two versions of a key.</summary>
internal static class Reconcile
{
    /// <summary>
    /// Which of <paramref name="held"/> and <paramref name="incoming"/> to keep, and with which version.
    /// A causally newer version wins outright; of two concurrent ones the resolver picks, and the
    /// winner absorbs the loser's vector, so it supersedes both on every replica.
    /// </summary>
    /// <returns>The survivor (its version merged on a conflict), whether it is <paramref name="incoming"/>, and whether the two conflicted.</returns>
    public static (ConflictCandidate Survivor, bool IncomingWins, bool Conflict) Pick(
        in ConflictCandidate held, in ConflictCandidate incoming, IConflictResolver resolver)
    {
        switch (incoming.Version.CompareCausally(held.Version))
        {
            case Causality.Newer:
                return (incoming, true, false);
            case Causality.Older:
            case Causality.Equal:
                return (held, false, false);
            default:
                var incomingWins = resolver.FirstWins(incoming, held) && !SameWrite(incoming, held);
                var (winner, loser) = incomingWins ? (incoming, held) : (held, incoming);
                return (winner with { Version = CacheVersion.Merge(winner.Version, loser.Version) }, incomingWins, true);
        }
    }

    // Two resolutions of the same write hold the same value; keeping the held one saves an update.
    private static bool SameWrite(in ConflictCandidate a, in ConflictCandidate b) =>
        a.Version.Timestamp == b.Version.Timestamp && a.Version.WriterId == b.Version.WriterId;
}
