using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>The client sends writes to the key's primary node, which coordinates them; through the entry grain when the primary cannot.</summary>
[Collection(ClientGroup.Name)]
public sealed class NodeWriteTests(ClientCluster fixture)
{
    private static readonly DistCacheEntryOptions Strong = new() { Consistency = ConsistencyLevel.Strong };

    [Fact]
    public async Task ConcurrentWritesGoToThePrimariesWhichReplicateThemToEveryReplica()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await ReadyAsync(services);
        var keys = Enumerable.Range(0, 200).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        var before = client.NodeWriteCounters!;

        // Concurrent, so each primary gets batches and coordinates several writes at once.
        var versions = await Task.WhenAll(keys.Select(key => cache.SetBytesAsync(key, [(byte)key.Length], Strong)));
        var removed = keys[..20];
        await Task.WhenAll(removed.Select(key => cache.RemoveAsync(key, ConsistencyLevel.Strong)));

        var after = client.NodeWriteCounters!;
        Assert.Equal(before.Direct + keys.Length + removed.Length, after.Direct);
        Assert.Equal(before.FellBack, after.FellBack);

        // Strong: every replica, the coordinating primary included, acknowledged before the call returned.
        for (var i = removed.Length; i < keys.Length; i++)
        {
            Assert.True(await Replicas.AllHoldAsync(fixture, keys[i], versions[i]), $"every replica of {keys[i]} must hold {versions[i]}");
        }

        foreach (var key in removed)
        {
            var held = await Replicas.HeldAsync(fixture, key);
            Assert.All(held, h => Assert.False(h.IsLive, $"{key} must be deleted on every replica"));
            Assert.Single(held.Select(h => h.Version).Distinct());
        }
    }

    [Fact]
    public async Task AWriteWhosePrimaryIsOutOfServiceGoesThroughTheEntryGrainAndReachesThePrimaryLater()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await ReadyAsync(services);
        var key = TestKey.New();
        var primary = (await fixture.Cache.GetReplicasAsync(key))[0];
        var before = client.NodeWriteCounters!;

        CacheVersion version;
        await using (await NodeOutage.StartAsync(fixture, primary))
        {
            version = await cache.SetBytesAsync(key, [9], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Quorum });
        }

        Assert.Equal(before.Direct, client.NodeWriteCounters!.Direct);
        Assert.Equal(before.FellBack + 1, client.NodeWriteCounters.FellBack);
        Assert.Equal([9], await cache.GetBytesAsync(key, ConsistencyLevel.Quorum));
        await Eventually.TrueAsync(() => Replicas.AllHoldAsync(fixture, key, version), "the primary to get the write from a hint");
    }

    [Fact]
    public async Task AStrongWriteThatAReplicaMissesFailsAtThePrimaryAndIsNotSentAgain()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await ReadyAsync(services);
        var key = TestKey.New();
        var replica = (await fixture.Cache.GetReplicasAsync(key))[2];
        var before = client.NodeWriteCounters!;

        await using (await NodeOutage.StartAsync(fixture, replica))
        {
            await Assert.ThrowsAsync<QuorumNotReachedException>(() => cache.SetBytesAsync(key, [4], Strong));
        }

        // The primary coordinated it and answered with the operation's own error: not a refusal to resend.
        Assert.Equal(before.Direct + 1, client.NodeWriteCounters!.Direct);
        Assert.Equal(before.FellBack, client.NodeWriteCounters.FellBack);
    }

    [Fact]
    public async Task WritesRideInTheCallsThatCarryReadsToTheirPrimary()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await ReadyAsync(services);
        var keys = await KeysOnOnePrimaryAsync(10);
        await Task.WhenAll(keys.Select(key => cache.SetBytesAsync(key, [1], Strong)));
        await Eventually.TrueAsync(async () =>
        {
            // Out of the cluster's hand-off window, which sends Quorum reads through the entry grain.
            var direct = client.NodeReadCounters!.Direct;
            await cache.GetBytesAsync(keys[0], ConsistencyLevel.Quorum);
            return client.NodeReadCounters.Direct > direct;
        }, "the client to read straight from the nodes");
        var primary = fixture.Node((await fixture.Cache.GetReplicasAsync(keys[0]))[0]);

        // Two reads take the node's two batch slots; the writes and reads issued behind them queue together.
        // One batcher per node sends them in as few as one more call. With reads and writes batched apart, each
        // kind would take at least three (two alone, then the rest): six in all. A burst can take more calls
        // when its first answers come back before it is all issued (a preempted test thread), so try a few.
        var fewest = long.MaxValue;
        for (var burst = 0; burst < 5 && fewest > 5; burst++)
        {
            var before = await primary.GetCountersAsync();
            List<Task> operations = [cache.GetBytesAsync(keys[0], ConsistencyLevel.Quorum), cache.GetBytesAsync(keys[1], ConsistencyLevel.Quorum)];
            for (var i = 2; i < 6; i++)
            {
                operations.Add(cache.SetBytesAsync(keys[i], [(byte)burst], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Quorum }));
                operations.Add(cache.GetBytesAsync(keys[i + 4], ConsistencyLevel.Quorum));
            }

            await Task.WhenAll(operations);
            var after = await primary.GetCountersAsync();
            Assert.Equal(before.DirectOperations + operations.Count, after.DirectOperations);
            fewest = Math.Min(fewest, after.DirectCalls - before.DirectCalls);
        }

        Assert.True(fewest <= 5, $"10 reads and writes to one node took {fewest} calls at the fewest, as if batched apart");
    }

    [Fact]
    public async Task TurnedOffWritesGoThroughTheEntryGrain()
    {
        await using var services = ClientFactory.Services(fixture, o => o.WriteToPrimary = false);
        var key = TestKey.New();

        var version = await services.Cache().SetBytesAsync(key, [5], Strong);

        Assert.Null(((DistCacheClient)services.Cache()).NodeWriteCounters);
        Assert.True(await Replicas.AllHoldAsync(fixture, key, version));
    }

    /// <summary>New keys that all have the same primary node.</summary>
    private async Task<string[]> KeysOnOnePrimaryAsync(int count)
    {
        List<string> keys = [];
        string? primary = null;
        while (keys.Count < count)
        {
            var key = TestKey.New(suffix: $"-{keys.Count}");
            var first = (await fixture.Cache.GetReplicasAsync(key))[0];
            primary ??= first;
            if (first == primary)
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }

    /// <summary>A client that has its routing, so its writes go to the primaries.</summary>
    private static async Task<(IDistCache Cache, DistCacheClient Client)> ReadyAsync(ServiceProvider services)
    {
        var cache = services.Cache();
        var client = (DistCacheClient)cache;
        await Eventually.TrueAsync(async () =>
        {
            var direct = client.NodeWriteCounters!.Direct;
            await cache.SetBytesAsync(TestKey.New(suffix: "-probe"), [1], Strong);
            return client.NodeWriteCounters.Direct > direct;
        }, "the client to write through the primaries");
        return (cache, client);
    }
}
