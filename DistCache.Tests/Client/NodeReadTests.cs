using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>The client reads straight from the nodes when it can, and through the entry grain when it must.</summary>
[Collection(ClientGroup.Name)]
public sealed class NodeReadTests(ClientCluster fixture)
{
    private static long s_daysAhead;

    [Fact]
    public async Task ReadsAtEveryLevelGoStraightToTheNodesAndSeeTheLatestWrites()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var keys = Enumerable.Range(0, 30).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        foreach (var key in keys)
        {
            await cache.SetAsync(key, key.Length, new DistCacheEntryOptions { Consistency = ConsistencyLevel.Quorum });
        }

        var entryReadsBefore = (await fixture.SettledStatsAsync()).Operations.Reads;
        var before = client.NodeReadCounters!;
        foreach (var level in new[] { ConsistencyLevel.Eventual, ConsistencyLevel.Quorum, ConsistencyLevel.Strong })
        {
            foreach (var key in keys)
            {
                Assert.Equal(key.Length, await cache.GetAsync<int>(key, level));
            }
        }

        Assert.Null(await cache.GetBytesAsync(TestKey.New(suffix: "-absent"), ConsistencyLevel.Quorum));
        var after = client.NodeReadCounters!;

        // An Eventual read goes through the entry grain now and then (10 %), for read repair.
        Assert.InRange(after.Direct - before.Direct, 80, 91);
        var entryReads = (await fixture.SettledStatsAsync()).Operations.Reads - entryReadsBefore;
        Assert.Equal(after.FellBack - before.FellBack, entryReads);
    }

    [Fact]
    public async Task AQuorumReadThatSeesReplicasDisagreeFallsBackAndTheEntryGrainRepairs()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var (key, _, _, newer) = await Replicas.WithStalePrimaryAsync(fixture);
        var before = client.NodeReadCounters!;

        var read = await cache.GetBytesAsync(key, ConsistencyLevel.Quorum);

        Assert.Equal([2], read);
        Assert.Equal(before.FellBack + 1, client.NodeReadCounters!.FellBack);
        await Eventually.TrueAsync(() => Replicas.AllHoldAsync(fixture, key, newer), "every replica to hold the newer version");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AReadFromANodeOutOfServiceFailsOverThroughTheEntryGrainAndTheNextGoesToTheOtherReplicas(bool dataPort)
    {
        await using var services = ClientFactory.Services(fixture, o => o.UseDataPort = dataPort);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var key = TestKey.New();
        await cache.SetBytesAsync(key, [7], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong });
        var primary = (await fixture.Cache.GetReplicasAsync(key))[0];
        var before = client.NodeReadCounters!;

        NodeReadCounters failedOver;
        await using (await NodeOutage.StartAsync(fixture, primary))
        {
            Assert.Equal([7], await cache.GetBytesAsync(key, ConsistencyLevel.Eventual));
            failedOver = client.NodeReadCounters!;

            // The primary just refused: for a moment, reads go straight to the key's other replicas, a majority at Quorum.
            Assert.Equal([7], await cache.GetBytesAsync(key, ConsistencyLevel.Eventual));
            Assert.Equal([7], await cache.GetBytesAsync(key, ConsistencyLevel.Quorum));
        }

        Assert.Equal(before with { FellBack = before.FellBack + 1 }, failedOver);
        Assert.Equal(failedOver with { Direct = failedOver.Direct + 2, Rerouted = failedOver.Rerouted + 2 }, client.NodeReadCounters);
    }

    [Fact]
    public async Task AStrongReadNeedsEveryReplicaSoItFallsBackWhileOneIsAvoided()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var key = TestKey.New();
        await cache.SetBytesAsync(key, [8], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong });
        var replica = (await fixture.Cache.GetReplicasAsync(key))[2];

        await using (await NodeOutage.StartAsync(fixture, replica))
        {
            // The first read asks the replica for its version and learns it is out; the second does not ask it.
            await Assert.ThrowsAsync<QuorumNotReachedException>(() => cache.GetBytesAsync(key, ConsistencyLevel.Strong));
            var before = client.NodeReadCounters!;
            await Assert.ThrowsAsync<QuorumNotReachedException>(() => cache.GetBytesAsync(key, ConsistencyLevel.Strong));
            Assert.Equal(before with { FellBack = before.FellBack + 1 }, client.NodeReadCounters);
        }
    }

    [Fact]
    public async Task ANodeAnswersOnlyReadsRoutedWithItsSilosRing()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [3], null, ConsistencyLevel.Strong);
        var routing = await ReadyRoutingAsync();
        var primary = fixture.Node((await fixture.Cache.GetReplicasAsync(key))[0]);

        // Every silo learns the ring and leaves its hand-off window on its own; the node answers once its silo has.
        NodeReadResult?[]? answers = null;
        await Eventually.TrueAsync(
            async () => (answers = (await primary.ServeAsync(routing.RingFingerprint, [key, TestKey.New(suffix: "-absent")], null, [])).Reads) is [not null, not null],
            "the primary to vouch for its answers");
        Assert.Equal([3], answers![0]!.Value);
        Assert.True(answers[1]!.Version.IsNone);

        var versionOnly = (await primary.ServeAsync(routing.RingFingerprint, [key], [true], [])).Reads;
        Assert.Null(versionOnly![0]!.Value);
        Assert.Equal(answers[0]!.Version, versionOnly[0]!.Version);

        Assert.Null((await primary.ServeAsync(routing.RingFingerprint + 1, [key], null, [])).Reads);
    }

    [Fact]
    public async Task AWriteAfterAReadRanksAboveTheVersionItRead()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, _) = await services.ReadyForDirectReadsAsync(fixture);
        var key = TestKey.New();

        // Written by a silo whose clock runs far ahead of every clock here, straight to the replicas.
        var future = FarAhead();
        foreach (var replica in await fixture.Cache.GetReplicasAsync(key))
        {
            await fixture.Node(replica).SetAsync(key, [1], future, 0, null);
        }

        Assert.Equal([1], await cache.GetBytesAsync(key, ConsistencyLevel.Quorum));
        var written = await cache.SetBytesAsync(key, [2], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong });

        // Without the floor the silo's clock would stamp it days older, and last writer wins would keep [1].
        Assert.True(written.Timestamp > future.Timestamp, $"{written} must rank above {future}");
        Assert.Equal([2], await cache.GetBytesAsync(key, ConsistencyLevel.Strong));
    }

    [Fact]
    public async Task AClientsTagInvalidationDeletesTheTaggedValuesItRead()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, _) = await services.ReadyForDirectReadsAsync(fixture);
        var (key, tag) = (TestKey.New(), $"model:{Guid.NewGuid():N}");
        var ahead = FarAhead();
        foreach (var replica in await fixture.Cache.GetReplicasAsync(key))
        {
            await fixture.Node(replica).SetAsync(key, [1], ahead, 0, [tag]);
        }

        Assert.Equal([1], await cache.GetBytesAsync(key, ConsistencyLevel.Quorum));

        Assert.Equal(3, (await cache.InvalidateTagAsync(tag)).Deleted);
        Assert.Null(await cache.GetBytesAsync(key, ConsistencyLevel.Strong));
    }

    [Fact]
    public async Task TurnedOffEveryReadGoesThroughTheEntryGrain()
    {
        await using var services = ClientFactory.Services(fixture, o => o.ReadFromNodes = false);
        var key = TestKey.New();
        await services.Cache().SetBytesAsync(key, [5]);
        var entryReadsBefore = (await fixture.SettledStatsAsync()).Operations.Reads;

        Assert.Equal([5], await services.Cache().GetBytesAsync(key));

        Assert.Null(((DistCacheClient)services.Cache()).NodeReadCounters);
        Assert.Equal(entryReadsBefore + 1, (await fixture.SettledStatsAsync()).Operations.Reads);
    }

    /// <summary>
    /// The version of a write by a silo whose clock runs days ahead: later than anything a silo here has
    /// stamped or seen, this test's earlier calls included (a silo that observed one stays that far ahead).
    /// </summary>
    private CacheVersion FarAhead()
    {
        var now = Math.Max(fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new CacheVersion((now + TimeSpan.FromDays(Interlocked.Increment(ref s_daysAhead)).Ticks / TimeSpan.TicksPerMillisecond) << 16, 424242);
    }

    private async Task<ReadRouting> ReadyRoutingAsync()
    {
        ReadRouting? routing = null;
        await Eventually.TrueAsync(async () => !(routing = await fixture.Cache.GetReadRoutingAsync()).InHandoff, "the cluster to leave its hand-off window");
        return routing!;
    }
}
