using System.Diagnostics;
using System.Globalization;
using DistCache.Hosting;
using DistCache.Placement;
using DistCache.Replication;
using DistCache.Storage;

namespace DistCache.Benchmarks;

/// <summary>
/// How long one anti-entropy round keeps a node busy before it sends anything: building the digests of
/// every key it shares with each peer walks its whole store on the node's own thread, in chunks of
/// <see cref="DistCacheOptions.AntiEntropyScanChunk"/> slots with the turn yielded between them.
/// </summary>
internal static class AntiEntropyCommand
{
    private const int Nodes = 9;
    private const int ReplicationFactor = 3;
    private static readonly int Chunk = new DistCacheOptions().AntiEntropyScanChunk;

    public static int Run(int entries)
    {
        var store = new BoundedStore(long.MaxValue, TimeSpan.FromMinutes(5), TimeProvider.System);
        for (var i = 0; i < entries; i++)
        {
            store.Set($"route:v1:{i:D8}", new byte[32], new CacheVersion(i + 1, 1), 0);
        }

        // 9 nodes on 3 silos, as 3 silos with the default 3 nodes each.
        var ring = new HashRing(Enumerable.Range(0, Nodes).Select(i => new RingNode($"node-{i}", $"silo-{i / 3}")), 256);
        for (var round = 1; round <= 3; round++)
        {
            var digests = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
            var (total, longest) = (TimeSpan.Zero, TimeSpan.Zero);
            for (var start = 0; start < store.Extent; start += Chunk)
            {
                var chunk = Stopwatch.StartNew();
                AntiEntropy.DigestsByPeer(store.Versions(start, Chunk), "node-0", ring, ReplicationFactor, digests);
                total += chunk.Elapsed;
                longest = chunk.Elapsed > longest ? chunk.Elapsed : longest;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: digests of {entries:N0} keys for {digests.Count} peers in {total.TotalMilliseconds:0} ms of work; the longest turn (one chunk of {Chunk:N0} slots) {longest.TotalMilliseconds:0.0} ms"));
        }

        return 0;
    }
}
