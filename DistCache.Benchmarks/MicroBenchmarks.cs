using BenchmarkDotNet.Attributes;
using DistCache.Client;
using DistCache.Placement;
using DistCache.Replication;
using DistCache.Storage;

namespace DistCache.Benchmarks;

/// <summary>The hot pure code of the data path, one operation per call.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MicroBenchmarks
{
    private readonly string[] _keys = Enumerable.Range(0, 1024).Select(i => $"route:v1:{i:D8}").ToArray();
    private readonly int[] _replicas = new int[3];
    private readonly byte[] _value = new byte[1024];
    private HashRing _ring = null!;
    private BoundedStore _store = null!;
    private BoundedStore _full = null!;
    private NearCacheEntries _near = null!;
    private NearCacheEntries _nearFull = null!;
    private CacheVersion _plain, _merged, _other;
    private long _clock;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _ring = new HashRing(Enumerable.Range(0, 9).Select(i => new RingNode($"node-{i}", $"silo-{i % 3}")), 256);
        _store = new BoundedStore(1L << 30, TimeSpan.FromMinutes(5), TimeProvider.System);
        _full = new BoundedStore(BoundedStore.SizeOf(_keys[0], _value.Length) * 512, TimeSpan.FromMinutes(5), TimeProvider.System);
        foreach (var key in _keys)
        {
            _store.Set(key, _value, new CacheVersion(++_clock, 1), 0);
        }

        // The near cache's default size, and one a quarter the key set, so every store evicts.
        _near = new NearCacheEntries(10_000);
        _nearFull = new NearCacheEntries(256);
        foreach (var key in _keys)
        {
            _near.Store(key, _value, long.MaxValue, _near.BeginRead());
        }

        _plain = new CacheVersion(100, 1);
        _other = new CacheVersion(90, 2);
        _merged = CacheVersion.Merge(new CacheVersion(120, 3), _other);
    }

    private string NextKey() => _keys[_next++ & 1023];

    [Benchmark(Description = "ring: 3 replicas of a key")]
    public int RingLookup() => _ring.GetReplicas(NextKey(), 3, _replicas);

    [Benchmark(Description = "store: get (hit)")]
    public NodeReadResult StoreGet() => _store.Get(NextKey());

    [Benchmark(Description = "store: set (overwrite)")]
    public NodeWriteResult StoreSet() => _store.Set(NextKey(), _value, new CacheVersion(++_clock, 1), 0);

    [Benchmark(Description = "store: set (evicting)")]
    public NodeWriteResult StoreSetEvicting() => _full.Set(NextKey(), _value, new CacheVersion(++_clock, 1), 0);

    [Benchmark(Description = "near cache: get (hit)")]
    public bool NearGet() => _near.TryGet(NextKey(), 0, out _);

    [Benchmark(Description = "near cache: store (evicting)")]
    public void NearStoreEvicting() => _nearFull.Store(NextKey(), _value, long.MaxValue, _nearFull.BeginRead());

    [Benchmark(Description = "version: compare plain")]
    public Causality ComparePlain() => _plain.CompareCausally(_other);

    [Benchmark(Description = "version: compare merged")]
    public Causality CompareMerged() => _merged.CompareCausally(_plain);

    [Benchmark(Description = "quorum: 2 of 3 completed calls")]
    public async Task<bool> QuorumOfCompleted() => (await Quorum.WhenAsync([Task.FromResult(1), Task.FromResult(2), Task.FromResult(3)], 2)).Reached;
}
