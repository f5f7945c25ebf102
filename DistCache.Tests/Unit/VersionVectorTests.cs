using DistCache.Replication;

namespace DistCache.Tests.Unit;

public sealed class VersionVectorTests
{
    private static CacheVersion V(long timestamp, int writer, params (int Writer, long Timestamp)[] absorbed) =>
        new(timestamp, writer) { Absorbed = absorbed.Length == 0 ? null : absorbed.Select(a => new VersionDot(a.Writer, a.Timestamp)).ToArray() };

    [Fact]
    public void OneWritersWritesAreOrderedByItsClock()
    {
        Assert.Equal(Causality.Newer, V(20, 1).CompareCausally(V(10, 1)));
        Assert.Equal(Causality.Older, V(10, 1).CompareCausally(V(20, 1)));
        Assert.Equal(Causality.Equal, V(10, 1).CompareCausally(V(10, 1)));
        Assert.Equal(Causality.Newer, V(10, 1).CompareCausally(CacheVersion.None));
        Assert.Equal(Causality.Older, CacheVersion.None.CompareCausally(V(10, 1)));
    }

    [Fact]
    public void TwoWritersThatSawNothingOfEachOtherAreConcurrentWhateverTheirClocks()
    {
        Assert.Equal(Causality.Concurrent, V(10, 1).CompareCausally(V(20, 2)));
        Assert.Equal(Causality.Concurrent, V(20, 2).CompareCausally(V(10, 1)));
    }

    [Fact]
    public void AVersionThatAbsorbedAnotherWriterIsNewerThanThatWritersOlderWrites()
    {
        var merged = V(20, 2, (1, 10));
        Assert.Equal(Causality.Newer, merged.CompareCausally(V(10, 1)));
        Assert.Equal(Causality.Newer, merged.CompareCausally(V(5, 1)));
        Assert.Equal(Causality.Newer, merged.CompareCausally(V(20, 2)));
        Assert.Equal(Causality.Concurrent, merged.CompareCausally(V(11, 1)));
        Assert.Equal(Causality.Older, merged.CompareCausally(V(30, 2, (1, 10))));
    }

    [Fact]
    public void AMergedVersionSupersedesBothSidesAndKeepsTheWinnersDot()
    {
        var (a, b) = (V(10, 1, (3, 7)), V(20, 2));
        var merged = CacheVersion.Merge(b, a);

        Assert.Equal((20L, 2), (merged.Timestamp, merged.WriterId));
        Assert.Equal([new VersionDot(1, 10), new VersionDot(3, 7)], merged.Absorbed!);
        Assert.Equal(Causality.Newer, merged.CompareCausally(a));
        Assert.Equal(Causality.Newer, merged.CompareCausally(b));
    }

    [Fact]
    public void MergingTheSameVersionsInAnyOrderGivesEqualVersions()
    {
        var x = CacheVersion.Merge(V(30, 3), CacheVersion.Merge(V(20, 2), V(10, 1)));
        var y = CacheVersion.Merge(V(30, 3), CacheVersion.Merge(V(10, 1), V(20, 2)));
        Assert.Equal(x, y);
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
        Assert.Equal(Causality.Equal, x.CompareCausally(y));
    }

    [Fact]
    public void AVectorRemembersAtMostSixteenOtherWritersDroppingTheOldest()
    {
        var version = V(1000, 0);
        for (var writer = 1; writer <= 20; writer++)
        {
            version = CacheVersion.Merge(version, V(writer, writer));
        }

        Assert.Equal(CacheVersion.MaxAbsorbed, version.Absorbed!.Length);
        Assert.DoesNotContain(version.Absorbed, d => d.WriterId <= 4);
    }

    [Fact]
    public void LastWriterWinsPicksTheLaterTimestampThenTheHigherWriterAndMergesTheLoser()
    {
        var early = new ConflictCandidate("k", [1], V(10, 9), 0);
        var late = new ConflictCandidate("k", [2], V(20, 1), 0);

        var (survivor, incomingWins, conflict) = Reconcile.Pick(held: early, incoming: late, LastWriterWins.Instance);
        Assert.True(conflict);
        Assert.True(incomingWins);
        Assert.Equal([2], survivor.Value);
        Assert.Equal(V(20, 1, (9, 10)), survivor.Version);

        var tie = new ConflictCandidate("k", [3], V(20, 2), 0);
        Assert.False(Reconcile.Pick(held: tie, incoming: late, LastWriterWins.Instance).IncomingWins);
        Assert.True(Reconcile.Pick(held: late, incoming: tie, LastWriterWins.Instance).IncomingWins);
    }

    [Fact]
    public void ACausallyNewerVersionWinsWhateverTheResolverPrefers()
    {
        var held = new ConflictCandidate("k", [1], V(10, 1), 0);
        var newer = new ConflictCandidate("k", null, V(5, 2, (1, 10)), 0);

        var (survivor, incomingWins, conflict) = Reconcile.Pick(held, newer, LastWriterWins.Instance);
        Assert.False(conflict);
        Assert.True(incomingWins);
        Assert.True(survivor.IsDelete);
    }
}
