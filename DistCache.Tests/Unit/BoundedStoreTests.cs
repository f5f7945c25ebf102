using DistCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DistCache.Tests.Unit;

public sealed class BoundedStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private long _clock;

    private CacheVersion NextVersion() => new(++_clock, 1);

    private BoundedStore Store(long capacity) => new(capacity, TimeSpan.FromMinutes(5), _time);

    [Fact]
    public void AccountsKeyValueAndOverheadForEveryEntry()
    {
        var store = Store(1 << 20);
        store.Set("a", new byte[100], NextVersion(), 0);
        store.Set("bb", new byte[10], NextVersion(), 0);

        Assert.Equal(BoundedStore.SizeOf("a", 100) + BoundedStore.SizeOf("bb", 10), store.UsedBytes);
        Assert.Equal(BoundedStore.EntryOverheadBytes + 2 + 100, BoundedStore.SizeOf("a", 100));

        store.Set("a", new byte[40], NextVersion(), 0);
        Assert.Equal(BoundedStore.SizeOf("a", 40) + BoundedStore.SizeOf("bb", 10), store.UsedBytes);
    }

    [Fact]
    public void HalfOfAGibibyteIsFiftyPercentOfAOneGibibyteNode()
    {
        const long capacity = 1L << 30;
        var store = Store(capacity);

        // 512 entries each charged exactly 1 MiB; one shared array, since the store never copies values.
        var value = new byte[(1 << 20) - BoundedStore.EntryOverheadBytes - 2 * "k000".Length];
        for (var i = 0; i < 512; i++)
        {
            store.Set($"k{i:000}", value, NextVersion(), 0);
        }

        var counters = store.GetCounters();
        Assert.Equal(512L << 20, counters.Bytes);
        Assert.Equal(0.5, (double)counters.Bytes / counters.CapacityBytes);
        Assert.Equal(512, counters.Items);
    }

    [Fact]
    public void AnEntryReadSinceTheLastSweepSurvivesItAndAnUnreadOneGoes()
    {
        var entry = BoundedStore.SizeOf("k0", 100);
        var store = Store(entry * 3);
        store.Set("k0", new byte[100], NextVersion(), 0);
        store.Set("k1", new byte[100], NextVersion(), 0);
        store.Set("k2", new byte[100], NextVersion(), 0);

        // Every entry was just written, so the first sweep takes every one's second chance, then the oldest.
        store.Set("k3", new byte[100], NextVersion(), 0);
        Assert.Equal(NodeReadResult.Missing, store.Get("k0"));

        // k1 and k2 have no second chance left; reading k1 gives it one, so the next sweep takes k2.
        Assert.True(store.Get("k1").IsLive);
        store.Set("k4", new byte[100], NextVersion(), 0);

        Assert.Equal(NodeReadResult.Missing, store.Get("k2"));
        Assert.True(store.Get("k1").IsLive);
        Assert.True(store.Get("k3").IsLive);
        Assert.True(store.Get("k4").IsLive);
        Assert.Equal(2, store.GetCounters().Evictions);
        Assert.Equal(3, store.Count);
        Assert.True(store.UsedBytes <= store.CapacityBytes);
    }

    [Fact]
    public void EvictionStopsAtTheEntryJustWrittenEvenIfItNeedsTheWholeStore()
    {
        var big = BoundedStore.SizeOf("big", 1_000);
        var store = Store(big);
        for (var i = 0; i < 5; i++)
        {
            store.Set($"k{i}", new byte[10], NextVersion(), 0);
            Assert.True(store.Get($"k{i}").IsLive); // referenced: the sweep must clear these before it can evict
        }

        Assert.True(store.Set("big", new byte[1_000], NextVersion(), 0).Applied);

        Assert.True(store.Get("big").IsLive);
        Assert.Equal(1, store.Count);
        Assert.Equal(big, store.UsedBytes);
        Assert.Equal(5, store.GetCounters().Evictions);
    }

    [Fact]
    public void EvictingATombstoneIsNotCountedAsAnEviction()
    {
        var entry = BoundedStore.SizeOf("k0", 100);
        var store = Store(entry * 2);
        store.Remove("gone", NextVersion());
        store.Set("k0", new byte[100], NextVersion(), 0);

        // The tombstone is the first unreferenced slot the hand reaches after clearing both bits.
        store.Set("k1", new byte[100], NextVersion(), 0);

        Assert.Equal(NodeReadResult.Missing, store.Get("gone"));
        Assert.True(store.Get("k1").IsLive);
        Assert.Equal(0, store.GetCounters().Evictions);
        Assert.True(store.UsedBytes <= store.CapacityBytes);
    }

    [Fact]
    public void StaysWithinCapacityUnderAStreamOfWrites()
    {
        var store = Store(100_000);
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            store.Set($"key-{random.Next(2_000)}", new byte[random.Next(0, 2_000)], NextVersion(), 0);
            Assert.True(store.UsedBytes <= store.CapacityBytes);
        }

        Assert.True(store.GetCounters().Evictions > 0);
    }

    [Fact]
    public void ExpiredEntriesAreNeverReturned()
    {
        var store = Store(1 << 20);
        var expiresAt = _time.GetUtcNow().AddSeconds(10).UtcTicks;
        store.Set("ttl", [1], NextVersion(), expiresAt);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(store.Get("ttl").IsLive);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(store.Get("ttl").IsLive);

        var counters = store.GetCounters();
        Assert.Equal(1, counters.Expirations);
        Assert.Equal(0, counters.Items);
        Assert.Equal(0, counters.Bytes);
    }

    [Fact]
    public void SweepDropsExpiredEntriesNobodyReads()
    {
        var store = Store(1 << 20);
        store.Set("short", [1], NextVersion(), _time.GetUtcNow().AddSeconds(1).UtcTicks);
        store.Set("long", [1], NextVersion(), _time.GetUtcNow().AddHours(1).UtcTicks);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, store.RemoveExpired());
        Assert.Equal(1, store.Count);
        Assert.Equal(BoundedStore.SizeOf("long", 1), store.UsedBytes);
    }

    [Fact]
    public void AnOlderVersionNeverReplacesANewerOne()
    {
        var store = Store(1 << 20);
        var older = NextVersion();
        var newer = NextVersion();
        Assert.True(store.Set("k", [2], newer, 0).Applied);

        var late = store.Set("k", [1], older, 0);

        Assert.False(late.Applied);
        Assert.Equal(newer, late.Current);
        Assert.Equal([2], store.Get("k").Value);
        Assert.Equal(1, store.GetCounters().StaleWrites);
    }

    [Fact]
    public void ADeleteLeavesATombstoneThatStopsALateOlderWrite()
    {
        var store = Store(1 << 20);
        var write = NextVersion();
        var delete = NextVersion();
        store.Remove("k", delete);

        Assert.False(store.Set("k", [1], write, 0).Applied);
        var read = store.Get("k");
        Assert.False(read.IsLive);
        Assert.Equal(delete, read.Version);
        Assert.Equal(0, store.GetCounters().Items);
    }

    [Fact]
    public void TombstonesExpireAfterTheirRetention()
    {
        var store = Store(1 << 20);
        store.Remove("k", NextVersion());
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, store.RemoveExpired());
        Assert.Equal(0, store.UsedBytes);
        Assert.Equal(NodeReadResult.Missing, store.Get("k"));
    }

    [Fact]
    public void AnEntryLargerThanTheWholeStoreIsRejectedAndChangesNothing()
    {
        var store = Store(1_000);
        store.Set("keep", [1], NextVersion(), 0);
        var before = store.GetCounters();

        var error = Assert.Throws<ArgumentException>(() => store.Set("huge", new byte[1_000], NextVersion(), 0));

        Assert.Contains("huge", error.Message);
        Assert.Contains("1000", error.Message);
        Assert.Equal(before, store.GetCounters());
        Assert.True(store.Get("keep").IsLive);
    }

    [Fact]
    public void InvalidatingATagDeletesEveryEntryWrittenBeforeItWithThatTagAndNothingElse()
    {
        var store = Store(1 << 20);
        store.Set("a", [1], NextVersion(), 0, ["model:x"]);
        store.Set("b", [2], NextVersion(), 0, ["model:x", "region:eu"]);
        store.Set("c", [3], NextVersion(), 0, ["model:y"]);
        var invalidation = NextVersion();
        store.Set("d", [4], NextVersion(), 0, ["model:x"]);

        var deleted = store.InvalidateTag("model:x", invalidation);

        Assert.Equal(["a", "b"], deleted.Order());
        Assert.False(store.Get("a").IsLive);
        Assert.False(store.Get("b").IsLive);
        Assert.True(store.Get("c").IsLive);
        Assert.True(store.Get("d").IsLive);

        // The delete dominates what it deleted, so a replica still holding the old value takes the delete.
        Assert.Equal(Causality.Newer, store.Get("a").Version.CompareCausally(new CacheVersion(1, 1)));
    }

    [Fact]
    public void ATaggedWriteOlderThanTheTagsInvalidationIsDeletedOnArrival()
    {
        var store = Store(1 << 20);
        var late = NextVersion();
        store.InvalidateTag("model:x", NextVersion());

        var result = store.Set("a", [1], late, 0, ["model:x"]);

        Assert.True(result.Applied);
        Assert.False(store.Get("a").IsLive);
        Assert.True(store.Set("b", [1], NextVersion(), 0, ["model:x"]).Applied);
        Assert.True(store.Get("b").IsLive);
    }

    [Fact]
    public void TagsAreChargedToTheEntryAndForgottenWhenItIsEvicted()
    {
        var store = Store(BoundedStore.SizeOf("a", 10, ["t1"], new CacheVersion(1, 1)) + 10);
        store.Set("a", new byte[10], NextVersion(), 0, ["t1"]);
        Assert.Equal(BoundedStore.SizeOf("a", 10) + 8 + 2 * 2, store.UsedBytes);

        // "b" evicts "a"; invalidating t1 then finds nothing.
        store.Set("b", new byte[10], NextVersion(), 0);
        Assert.Empty(store.InvalidateTag("t1", NextVersion()));
        Assert.True(store.Get("b").IsLive);
    }

    [Fact]
    public void ConcurrentWritesAreResolvedAndCounted()
    {
        var store = Store(1 << 20);
        store.Set("k", [1], new CacheVersion(10, 1), 0);
        var result = store.Set("k", [2], new CacheVersion(20, 2), 0);

        Assert.True(result.Applied);
        Assert.Equal([2], store.Get("k").Value);
        Assert.Equal([new VersionDot(1, 10)], store.Get("k").Version.Absorbed!);
        Assert.Equal(1, store.GetCounters().Conflicts);

        // The loser arriving again is now causally older: not a conflict any more.
        Assert.False(store.Set("k", [1], new CacheVersion(10, 1), 0).Applied);
        Assert.Equal(1, store.GetCounters().Conflicts);
        Assert.Equal(1, store.GetCounters().StaleWrites);
    }

    [Fact]
    public void AReusedSlotDoesNotKeepTheTagsOfTheKeyThatHeldItBefore()
    {
        var store = Store(1 << 20);
        var a = NextVersion();
        store.Set("a", [1], a, 0, ["t1"]);
        store.Set("x", [1], NextVersion(), _time.GetUtcNow().AddSeconds(1).UtcTicks, ["t2"]);

        // Both slots freed (a hand-off and an expiry), then reused by untagged keys.
        Assert.True(store.DropIfUnchanged("a", a));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, store.RemoveExpired());
        store.Set("b", [2], NextVersion(), 0);
        store.Set("c", [3], NextVersion(), 0);

        Assert.Empty(store.InvalidateTag("t1", NextVersion()));
        Assert.Empty(store.InvalidateTag("t2", NextVersion()));
        Assert.True(store.Get("b").IsLive);
        Assert.True(store.Get("c").IsLive);
        Assert.Null(store.Get("b").Tags);
    }

    [Fact]
    public void OverwritingAnEntryWithOtherTagsUntagsIt()
    {
        var store = Store(1 << 20);
        store.Set("a", [1], NextVersion(), 0, ["t1", "t2"]);
        store.Set("a", [2], NextVersion(), 0, ["t2"]);

        Assert.Empty(store.InvalidateTag("t1", NextVersion()));
        Assert.Equal(["t2"], store.Get("a").Tags!);
        Assert.Equal(["a"], store.InvalidateTag("t2", NextVersion()));
    }

    [Fact]
    public void HeavyChurnKeepsTheStoreWithinCapacityAndItsCountsConsistent()
    {
        var store = Store(20_000);
        var random = new Random(11);
        string[] tags = ["t0", "t1", "t2"];
        for (var i = 0; i < 20_000; i++)
        {
            var key = $"key-{random.Next(500)}";
            switch (random.Next(10))
            {
                case < 5:
                    var expires = random.Next(4) == 0 ? _time.GetUtcNow().AddSeconds(random.Next(1, 30)).UtcTicks : 0;
                    string[]? tagged = random.Next(3) == 0 ? [tags[random.Next(tags.Length)]] : null;
                    store.Set(key, new byte[random.Next(0, 400)], NextVersion(), expires, tagged);
                    break;
                case < 7:
                    store.Get(key);
                    break;
                case 7:
                    store.Remove(key, NextVersion());
                    break;
                case 8:
                    _time.Advance(TimeSpan.FromSeconds(1));
                    store.RemoveExpired();
                    break;
                default:
                    store.InvalidateTag(tags[random.Next(tags.Length)], NextVersion());
                    break;
            }

            Assert.True(store.UsedBytes <= store.CapacityBytes);
            if (i % 500 == 0)
            {
                AssertConsistent(store);
            }
        }

        AssertConsistent(store);
        Assert.True(store.GetCounters().Evictions > 0);
    }

    [Fact]
    public void GrowingFarPastTheInitialSizeKeepsEveryKeyReadable()
    {
        var store = Store(1L << 30);
        for (var i = 0; i < 20_000; i++)
        {
            store.Set($"k{i}", BitConverter.GetBytes(i), NextVersion(), 0);
        }

        // Free every other slot, then refill: the new keys reuse them and the table grows further.
        for (var i = 0; i < 20_000; i += 2)
        {
            Assert.True(store.DropIfUnchanged($"k{i}", store.Get($"k{i}").Version));
        }

        for (var i = 20_000; i < 40_000; i++)
        {
            store.Set($"k{i}", BitConverter.GetBytes(i), NextVersion(), 0);
        }

        for (var i = 0; i < 40_000; i++)
        {
            var read = store.Get($"k{i}");
            if (i < 20_000 && i % 2 == 0)
            {
                Assert.Equal(NodeReadResult.Missing, read);
            }
            else
            {
                Assert.Equal(i, BitConverter.ToInt32(read.Value));
            }
        }

        Assert.Equal(30_000, store.Count);
        AssertConsistent(store);
    }

    [Fact]
    public void ASlotStaysAtFortyEightBytes()
    {
        // The store's memory per key is mostly this; a field added carelessly would show here first.
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<StoreSlot>());
    }

    // Every slot the store walks is one it can find by key, and the byte and item totals match them.
    private static void AssertConsistent(BoundedStore store)
    {
        // Export skips expired entries that Count still holds; dropping them first makes the two comparable.
        store.RemoveExpired();
        var entries = store.Export();
        Assert.Equal(store.Count, entries.Count);
        Assert.Equal(store.UsedBytes, entries.Sum(e => BoundedStore.SizeOf(e.Key, e.Value?.Length ?? 0, e.Tags, e.Version)));
        Assert.Equal(store.GetCounters().Items, entries.Count(e => e.Value is not null));
        foreach (var entry in entries)
        {
            Assert.Equal(entry.Version, store.Export(entry.Key)!.Version);
        }
    }
}
