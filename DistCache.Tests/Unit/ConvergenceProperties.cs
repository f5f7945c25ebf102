using CsCheck;
using DistCache.Replication;
using DistCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DistCache.Tests.Unit;

/// <summary>
/// Replicas that receive the same writes in any order, any number of times, end up holding the same
/// value and version: the store's conflict rule is order-insensitive. Checked for the default resolver
/// and for one that prefers deletes.
/// </summary>
public sealed class ConvergenceProperties
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Writes to one key: writers 1 to 4, timestamps that often tie across writers, a value or a delete.</summary>
    private static readonly Gen<TransferEntry[]> Writes =
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 20], Gen.Bool, Gen.Byte)
            .Select(w => new TransferEntry("k", w.Item3 ? null : [w.Item4], new CacheVersion(w.Item2, w.Item1), 0))
            .Array[1, 12]
            .Select(writes => writes.DistinctBy(w => (w.Version.Timestamp, w.Version.WriterId)).ToArray());

    /// <summary>Each of 3 replicas gets every write, some twice, in an order of its own (a random sort key per delivery).</summary>
    private static readonly Gen<(TransferEntry[] Writes, int[][] SortKeys)> Deliveries =
        from writes in Writes
        from keys in Gen.Int.Array[writes.Length * 2].Array[3]
        select (writes, keys);

    [Fact]
    public void ReplicasConvergeToTheLatestWriteUnderLastWriterWins() =>
        Deliveries.Sample(d =>
        {
            var held = Deliver(d.Writes, d.SortKeys, LastWriterWins.Instance);
            AssertSame(held);

            // The survivor is the write latest in last-writer-wins order, and no write is newer than it.
            var latest = d.Writes.MaxBy(w => w.Version)!;
            Assert.Equal((latest.Version.Timestamp, latest.Version.WriterId), (held[0].Version.Timestamp, held[0].Version.WriterId));
            Assert.Equal(latest.Value, held[0].Value);
            Assert.All(d.Writes, w => Assert.NotEqual(Causality.Older, held[0].Version.CompareCausally(w.Version)));
        }, iter: 500);

    [Fact]
    public void ReplicasConvergeUnderAnotherLawfulResolver() =>
        Deliveries.Sample(d =>
        {
            var held = Deliver(d.Writes, d.SortKeys, new LowerWriterWinsTies());
            AssertSame(held);
            var expected = d.Writes.OrderByDescending(w => w.Version.Timestamp).ThenBy(w => w.Version.WriterId).First();
            Assert.Equal(expected.Value, held[0].Value);
        }, iter: 500);

    private static void AssertSame(NodeReadResult[] held)
    {
        Assert.All(held, h => Assert.Equal(held[0].Version, h.Version));
        Assert.All(held, h => Assert.Equal(held[0].Value, h.Value));
    }

    /// <summary>Delivers to one store per sort-key row: each write once, plus some a second time, sorted by the row's keys.</summary>
    private static NodeReadResult[] Deliver(TransferEntry[] writes, int[][] sortKeys, IConflictResolver resolver) =>
        sortKeys.Select(keys =>
        {
            var store = new BoundedStore(1 << 20, TimeSpan.FromMinutes(5), Time, resolver);
            var deliveries = writes.Concat(writes.Where((_, i) => keys[writes.Length + i] % 2 == 0)).ToArray();
            foreach (var write in deliveries.Zip(keys).OrderBy(p => p.Second).Select(p => p.First))
            {
                store.Import(write);
            }

            return store.Get("k");
        }).ToArray();

    /// <summary>Later timestamp wins, as by default, but the lower writer id breaks ties: a total order that follows causality.</summary>
    private sealed class LowerWriterWinsTies : IConflictResolver
    {
        public bool FirstWins(in ConflictCandidate first, in ConflictCandidate second) =>
            first.Version.Timestamp != second.Version.Timestamp
                ? first.Version.Timestamp > second.Version.Timestamp
                : first.Version.WriterId <= second.Version.WriterId;
    }
}
