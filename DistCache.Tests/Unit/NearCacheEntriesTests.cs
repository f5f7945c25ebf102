using DistCache.Client;

namespace DistCache.Tests.Unit;

public sealed class NearCacheEntriesTests
{
    private const long Never = long.MaxValue;

    private static readonly byte[] Value = [1, 2, 3];

    private static void Store(NearCacheEntries entries, string key) => entries.Store(key, Value, Never, entries.BeginRead());

    private static bool Holds(NearCacheEntries entries, string key) => entries.TryGet(key, 0, out _);

    [Fact]
    public void ConcurrentStoresAndReadsOfManyKeysStayWithinTheBound()
    {
        var entries = new NearCacheEntries(100);

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var key = $"w{worker}-{i % 5_000}";
                if (!Holds(entries, key))
                {
                    Store(entries, key);
                }

                if (i % 10 == 0)
                {
                    entries.Invalidate($"w{worker}-{i % 3_000}");
                }
            }
        });

        Assert.InRange(entries.Count, 1, 100);
    }

    [Fact]
    public void AnEntryReadSinceTheHandLastPassedOutlivesOneThatWasNot()
    {
        var entries = new NearCacheEntries(4);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            Store(entries, key);
        }

        Assert.True(Holds(entries, "a"));
        Store(entries, "e");

        Assert.True(Holds(entries, "a"));
        Assert.False(Holds(entries, "b"));
        Assert.True(Holds(entries, "e"));
        Assert.Equal(4, entries.Count);
    }

    [Fact]
    public void SlotsOfInvalidatedEntriesAreReusedBeforeAnythingIsEvicted()
    {
        var entries = new NearCacheEntries(3);
        Store(entries, "a");
        Store(entries, "b");
        Store(entries, "c");
        entries.Invalidate("b");

        Store(entries, "d");

        Assert.True(Holds(entries, "a"));
        Assert.True(Holds(entries, "c"));
        Assert.True(Holds(entries, "d"));
    }

    [Fact]
    public void ManyInvalidationsOfOtherKeysLeaveAHotKeyInPlace()
    {
        var entries = new NearCacheEntries(10);
        Store(entries, "hot");

        for (var i = 0; i < 100_000; i++)
        {
            entries.Invalidate($"other-{i}");
        }

        Assert.True(Holds(entries, "hot"));
    }

    [Fact]
    public void AReadOvertakenByAnInvalidationOfItsKeyStoresNothing()
    {
        var entries = new NearCacheEntries(10);
        var overtaken = entries.BeginRead();
        entries.Invalidate("k");

        entries.Store("k", Value, Never, overtaken);
        Assert.False(Holds(entries, "k"));

        entries.Store("k", Value, Never, entries.BeginRead());
        Assert.True(Holds(entries, "k"));
    }

    [Fact]
    public void AReadOvertakenByAClearStoresNothing()
    {
        var entries = new NearCacheEntries(10);
        Store(entries, "kept-out");
        var overtaken = entries.BeginRead();
        entries.Clear();

        entries.Store("k", Value, Never, overtaken);

        Assert.Equal(0, entries.Count);
    }

    [Fact]
    public void AnExpiredEntryIsNotServedAndIsDropped()
    {
        var entries = new NearCacheEntries(10);
        entries.Store("k", Value, expiresAtTicks: 100, entries.BeginRead());

        Assert.True(entries.TryGet("k", 99, out var value));
        Assert.Same(Value, value);
        Assert.False(entries.TryGet("k", 100, out _));
        Assert.Equal(0, entries.Count);
    }

    [Fact]
    public void KeysReadOftenStayWhileManyKeysReadOnceStreamPast()
    {
        // 50 hot keys read 4 times a round, and 500 new keys a round read once: 6 times the capacity.
        var entries = new NearCacheEntries(100);
        var (hotReads, hotHits) = (0, 0);
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 500; i++)
            {
                ReadThrough(entries, $"cold-{round}-{i}");
                if (i % 10 == 0)
                {
                    var hit = ReadThrough(entries, $"hot-{i / 10}");
                    if (round >= 10)
                    {
                        (hotReads, hotHits) = (hotReads + 1, hotHits + (hit ? 1 : 0));
                    }
                }
            }

            for (var i = 0; i < 150; i++)
            {
                ReadThrough(entries, $"hot-{i % 50}");
            }
        }

        // CLOCK alone passes every slot several times a round, so each hot key is evicted between its reads.
        Assert.True(hotHits >= hotReads * 9 / 10, $"{hotHits} of {hotReads} reads of hot keys were hits");
        Assert.InRange(entries.Count, 1, 100);
    }

    private static bool ReadThrough(NearCacheEntries entries, string key)
    {
        var began = entries.BeginRead();
        if (entries.TryGet(key, 0, out _))
        {
            return true;
        }

        entries.Store(key, Value, Never, began);
        return false;
    }
}
