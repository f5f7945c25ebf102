using DistCache.Placement;
using DistCache.Replication;
using DistCache.Storage;

namespace DistCache.Tests.Unit;

public sealed class AntiEntropyTests
{
    private const int Rf = 3;
    private static readonly HashRing Ring = new(Enumerable.Range(0, 4).Select(i => new RingNode($"node-{i}", $"silo-{i}")), 256);
    private static readonly KeySummary[] Keys = Enumerable.Range(0, 2_000).Select(i => new KeySummary($"k{i}", new CacheVersion(i + 1, 1))).ToArray();

    /// <summary>What <paramref name="node"/> holds when it is a perfect replica: every key it owns.</summary>
    private static List<KeySummary> HeldBy(string node) =>
        Keys.Where(k => Ring.GetReplicas(k.Key, Rf).Any(o => o.NodeId == node)).ToList();

    [Fact]
    public void TwoReplicasHoldingTheSameVersionsHaveEqualDigestsWhateverTheirOrder()
    {
        var a = AntiEntropy.DigestsByPeer(HeldBy("node-0"), "node-0", Ring, Rf)["node-1"];
        var heldByOne = HeldBy("node-1");
        heldByOne.Reverse();
        var b = AntiEntropy.DigestFor(heldByOne, "node-1", "node-0", Ring, Rf);

        Assert.Empty(AntiEntropy.Differing(a, b));
        Assert.Contains(a, bucket => bucket != 0);
    }

    [Fact]
    public void OneStaleKeyShowsUpInExactlyItsBucketAndIsSentOneWay()
    {
        var shared = HeldBy("node-0").Intersect(HeldBy("node-1")).First();
        var stale = HeldBy("node-1").Select(k => k.Key == shared.Key ? new KeySummary(k.Key, new CacheVersion(shared.Version.Timestamp - 1, 1)) : k).ToList();

        var mine = AntiEntropy.DigestFor(HeldBy("node-0"), "node-0", "node-1", Ring, Rf);
        var theirs = AntiEntropy.DigestFor(stale, "node-1", "node-0", Ring, Rf);
        var differing = AntiEntropy.Differing(mine, theirs);
        Assert.Equal([AntiEntropy.BucketOf(shared.Key)], differing);

        var (send, want) = AntiEntropy.Compare(
            AntiEntropy.SharedIn(HeldBy("node-0"), "node-0", "node-1", Ring, Rf, differing),
            AntiEntropy.SharedIn(stale, "node-1", "node-0", Ring, Rf, differing));
        Assert.Equal([shared.Key], send);
        Assert.Empty(want);
    }

    [Fact]
    public void MissingKeysAreWantedAndConflictsGoBothWays()
    {
        KeySummary[] mine = [new("only-mine", new CacheVersion(1, 1)), new("both", new CacheVersion(5, 1)), new("same", new CacheVersion(3, 1))];
        KeySummary[] theirs = [new("only-theirs", new CacheVersion(1, 2)), new("both", new CacheVersion(6, 2)), new("same", new CacheVersion(3, 1))];

        var (send, want) = AntiEntropy.Compare(mine, theirs);
        Assert.Equal(["only-mine", "both"], send);
        Assert.Equal(["both", "only-theirs"], want);
    }

    [Fact]
    public void KeysANodeDoesNotShareWithThePeerStayOutOfTheirDigest()
    {
        var notShared = HeldBy("node-0").First(k => !HeldBy("node-1").Contains(k));
        var without = AntiEntropy.DigestFor(HeldBy("node-0").Where(k => k != notShared), "node-0", "node-1", Ring, Rf);
        var with = AntiEntropy.DigestFor(HeldBy("node-0"), "node-0", "node-1", Ring, Rf);
        Assert.Equal(without, with);
    }

    [Fact]
    public void FingerprintsDependOnTheWholeVersionVector()
    {
        var plain = new CacheVersion(10, 1);
        var merged = plain with { Absorbed = [new VersionDot(2, 9)] };
        Assert.NotEqual(AntiEntropy.Fingerprint("k", plain), AntiEntropy.Fingerprint("k", merged));
        Assert.NotEqual(AntiEntropy.Fingerprint("k", plain), AntiEntropy.Fingerprint("j", plain));
        Assert.Equal(AntiEntropy.Fingerprint("k", merged), AntiEntropy.Fingerprint("k", plain with { Absorbed = [new VersionDot(2, 9)] }));
    }

    [Fact]
    public void DigestsAndSharedKeysBuiltChunkByChunkEqualOnePassOverTheStore()
    {
        var store = new BoundedStore(long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System);
        foreach (var key in Keys)
        {
            store.Set(key.Key, [1], key.Version, 0);
        }

        // Tombstones, and holes in the slot table as handing keys off leaves them.
        foreach (var key in Keys.Where((_, i) => i % 7 == 0))
        {
            store.Remove(key.Key, new CacheVersion(key.Version.Timestamp + 10_000, 1));
        }

        foreach (var key in Keys.Where((_, i) => i % 5 == 0))
        {
            store.DropIfUnchanged(key.Key, key.Version);
        }

        var whole = AntiEntropy.DigestsByPeer(store.Versions(), "node-0", Ring, Rf);
        var wholeShared = AntiEntropy.SharedIn(store.Versions(), "node-0", "node-1", Ring, Rf, [3, 5, 200]);
        var chunked = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        var chunkedShared = new List<KeySummary>();
        for (var start = 0; start < store.Extent; start += 300)
        {
            AntiEntropy.DigestsByPeer(store.Versions(start, 300), "node-0", Ring, Rf, chunked);
            AntiEntropy.SharedIn(store.Versions(start, 300), "node-0", "node-1", Ring, Rf, [3, 5, 200], chunkedShared);
        }

        Assert.Equal(whole.Keys.Order(), chunked.Keys.Order());
        Assert.All(whole, peer => Assert.Equal(peer.Value, chunked[peer.Key]));
        Assert.Equal(wholeShared, chunkedShared);
        Assert.NotEmpty(chunkedShared);
    }
}
