using System.Collections.Concurrent;
using DistCache.Client;

namespace DistCache.Tests.Cluster;

/// <summary>Invalidating a tag deletes its keys on every replica and tells every subscriber; subscribers learn when they may have missed something.</summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class TagInvalidationTests(ThreeSiloCluster fixture)
{
    [Fact]
    public async Task InvalidatingATagReachesEveryReplicaAndEverySubscriber()
    {
        var tag = $"model:{Guid.NewGuid():N}";
        var subscribers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Subscriber.StartAsync(fixture)));
        var tagged = Enumerable.Range(0, 20).Select(i => TestKey.New(suffix: $"-tagged-{i}")).ToArray();
        var other = Enumerable.Range(0, 5).Select(i => TestKey.New(suffix: $"-other-{i}")).ToArray();
        var newest = 0L;
        foreach (var key in tagged)
        {
            newest = Math.Max(newest, (await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong, [tag, "region:eu"])).Timestamp);
        }

        foreach (var key in other)
        {
            await fixture.Cache.SetAsync(key, [2], null, ConsistencyLevel.Strong, ["region:eu"]);
        }

        // The writes may have gone through other silos than the invalidation: passing what we wrote
        // makes the invalidation rank after them even within one clock tick.
        var result = await fixture.Cache.InvalidateTagAsync(tag, newest);

        Assert.Equal((tagged.Length * 3, 3, 0), (result.Deleted, result.NodesReached, result.NodesFailed));
        foreach (var key in tagged)
        {
            Assert.All(await Replicas.HeldAsync(fixture, key), held =>
            {
                Assert.False(held.IsLive);
                Assert.Equal((result.Version.Timestamp, result.Version.WriterId), (held.Version.Timestamp, held.Version.WriterId));
            });
            Assert.Null(await fixture.Cache.GetAsync(key, ConsistencyLevel.Eventual));
        }

        foreach (var key in other)
        {
            Assert.Equal([2], (await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong))!.Value);
        }

        foreach (var subscriber in subscribers)
        {
            await Eventually.TrueAsync(
                () => Task.FromResult(tagged.All(subscriber.KeysInvalidatedWith(tag).Contains) && subscriber.NodesThatSent(tag) == 3),
                "every subscriber to hear of every deleted key, from every node");
        }

        // Removing one key is pushed the same way, in batches after those already received.
        var seen = subscribers.Select(s => s.LastSequences()).ToArray();
        await fixture.Cache.RemoveAsync(other[0], ConsistencyLevel.Strong);
        for (var i = 0; i < subscribers.Length; i++)
        {
            var (subscriber, before) = (subscribers[i], seen[i]);
            await Eventually.TrueAsync(
                () => Task.FromResult(subscriber.NodesThatReportedAfter(other[0], before) == 3),
                "every subscriber to hear of the removed key from every replica");
            Assert.Empty(subscriber.StaleReasons);
            await subscriber.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnInvalidationDeletesOnlyWritesStampedBeforeItUnlessTheCallerSaysWhatItSaw()
    {
        var tag = $"model:{Guid.NewGuid():N}";
        var key = TestKey.New();

        // Stamped by a silo whose clock runs an hour ahead of this cluster's.
        var ahead = new CacheVersion((fixture.Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds() << 16), 424242);
        foreach (var replica in await fixture.Cache.GetReplicasAsync(key))
        {
            await fixture.Node(replica).SetAsync(key, [1], ahead, 0, [tag]);
        }

        Assert.Equal(0, (await fixture.Cache.InvalidateTagAsync(tag)).Deleted);
        Assert.Equal([1], (await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong))!.Value);

        Assert.Equal(3, (await fixture.Cache.InvalidateTagAsync(tag, ahead.Timestamp)).Deleted);
        Assert.Null(await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong));
    }

    [Fact]
    public async Task ASubscriberLearnsItMayBeStaleWhenANodeFallsSilent()
    {
        await using var subscriber = await Subscriber.StartAsync(fixture, staleAfter: TimeSpan.FromSeconds(2));
        var node = (await fixture.NodeIdsAsync())[0];
        // Not synchronization: for longer than the silence limit, heartbeats (every 200 ms here) keep a quiet feed from looking silent.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(subscriber.StaleReasons);

        await using (await NodeOutage.StartAsync(fixture, node))
        {
            await Eventually.TrueAsync(
                () => Task.FromResult(subscriber.StaleReasons.Any(r => r.Contains(node) && r.Contains("silent"))),
                "the subscriber to notice the silent node");
        }
    }

    [Fact]
    public async Task ASubscriberThatMissesBatchesLearnsItMayBeStaleButNotFromBatchesOutOfOrder()
    {
        await using var subscriber = await Subscriber.StartAsync(fixture, staleAfter: TimeSpan.FromSeconds(1));
        var node = subscriber.Listener.Nodes[0];
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);
        await Eventually.TrueAsync(() => Task.FromResult(subscriber.NodesThatReported(key) == 3), "every replica to report the write");
        Assert.Empty(subscriber.StaleReasons);

        // Two batches in the wrong order, as Orleans may deliver them under load; then one that skips two, which were lost.
        var observer = (ICacheInvalidationObserver)subscriber.Listener;
        var cursor = subscriber.LastCursorOf(node);
        foreach (var ahead in new[] { 2, 1, 5 })
        {
            await observer.OnInvalidatedAsync(new InvalidationBatch(cursor with { Sequence = cursor.Sequence + ahead }, ["x"], []));
        }

        await Eventually.TrueAsync(() => Task.FromResult(subscriber.StaleReasons.Any(r => r.Contains(node))), "the subscriber to give up on the lost batches");
        Assert.Equal([$"node {node} sent 2 batches this listener never received"], subscriber.StaleReasons.Where(r => r.Contains(node)));
    }

    /// <summary>A listener and what it heard.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly ConcurrentQueue<InvalidationBatch> _batches = new();
        private readonly ConcurrentQueue<string> _stale = new();

        private Subscriber(CacheInvalidationListener listener)
        {
            Listener = listener;
            listener.Invalidated += _batches.Enqueue;
            listener.MayBeStale += _stale.Enqueue;
        }

        public CacheInvalidationListener Listener { get; }

        public IReadOnlyCollection<string> StaleReasons => _stale;

        public static async Task<Subscriber> StartAsync(CacheClusterFixture fixture, TimeSpan? staleAfter = null) =>
            new(await CacheInvalidationListener.StartAsync(fixture.Client, new CacheInvalidationListenerOptions { StaleAfter = staleAfter ?? TimeSpan.FromSeconds(5) }));

        public HashSet<string> KeysInvalidatedWith(string tag) => _batches.Where(b => b.Tags.Contains(tag)).SelectMany(b => b.Keys).ToHashSet();

        public int NodesThatReported(string key) => _batches.Where(b => b.Keys.Contains(key)).Select(b => b.Cursor.NodeId).Distinct().Count();

        /// <summary>The last batch number received from each node.</summary>
        public Dictionary<string, long> LastSequences() =>
            _batches.GroupBy(b => b.Cursor.NodeId).ToDictionary(g => g.Key, g => g.Max(b => b.Cursor.Sequence));

        /// <summary>Nodes that reported <paramref name="key"/> in a batch numbered after <paramref name="before"/>.</summary>
        public int NodesThatReportedAfter(string key, IReadOnlyDictionary<string, long> before) =>
            _batches.Where(b => b.Keys.Contains(key) && b.Cursor.Sequence > before.GetValueOrDefault(b.Cursor.NodeId))
                .Select(b => b.Cursor.NodeId).Distinct().Count();

        public int NodesThatSent(string tag) => _batches.Where(b => b.Tags.Contains(tag)).Select(b => b.Cursor.NodeId).Distinct().Count();

        public InvalidationCursor LastCursorOf(string node) => _batches.Last(b => b.Cursor.NodeId == node).Cursor;

        public ValueTask DisposeAsync() => Listener.DisposeAsync();
    }
}
