using DistCache.Storage;

namespace DistCache.Benchmarks;

/// <summary>
/// Bytes a node's store spends per entry beyond the key and value themselves: the keys and values are
/// allocated first and measured, then put in a store, and the growth of the managed heap is divided
/// by the entry count.
/// </summary>
internal static class MemoryCommand
{
    public static int Run(int entries)
    {
        var keys = new string[entries];
        var values = new byte[entries][];
        var baseline = Measure();
        for (var i = 0; i < entries; i++)
        {
            keys[i] = $"route:v1:{i:D8}";
            values[i] = new byte[32];
        }

        var withData = Measure();
        var store = new BoundedStore(long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System);
        for (var i = 0; i < entries; i++)
        {
            store.Set(keys[i], values[i], new CacheVersion(i + 1, 1), 0);
        }

        var withStore = Measure();
        var dataPerEntry = (double)(withData - baseline) / entries;
        var overhead = (double)(withStore - withData) / entries;
        Console.WriteLine($"{entries:N0} entries, key {keys[0].Length} chars, value {values[0].Length} B: key and value take {dataPerEntry:0.0} B per entry on the heap (their object headers included)");
        Console.WriteLine($"the store adds {overhead:0.0} B per entry (its slot with the version, hash bucket, CLOCK bit); it charges itself {BoundedStore.EntryOverheadBytes} B per entry on top of key text and value bytes");
        GC.KeepAlive(store);
        GC.KeepAlive(keys);
        GC.KeepAlive(values);
        return 0;
    }

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
