using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>The near cache serves hot keys locally and drops them when the cluster says they changed.</summary>
[Collection(ClientGroup.Name)]
public sealed class NearCacheTests(ClientCluster fixture)
{
    private ServiceProvider WithNearCache() => ClientFactory.Services(fixture, o => o.NearCache.Enabled = true);

    private static NearCacheCounters Counters(ServiceProvider services) => services.GetRequiredService<DistCacheClient>().NearCacheCounters!;

    /// <summary>Reads until the near cache serves the key (it serves nothing until its invalidation feed is up).</summary>
    private static Task<string?> ReadUntilServedLocallyAsync(ServiceProvider services, string key) =>
        Eventually.MatchesAsync(
            async () => (Hits: Counters(services).Hits, Value: await services.Cache().GetAsync<string>(key, ConsistencyLevel.Eventual)),
            read => Counters(services).Hits > read.Hits,
            "a read served from the near cache").ContinueWith(t => t.Result.Value, TaskScheduler.Default);

    [Fact]
    public async Task AHotKeyIsServedLocallyUntilAnotherClientChangesIt()
    {
        await using var near = WithNearCache();
        await using var other = ClientFactory.Services(fixture);
        var key = TestKey.New();
        await other.Cache().SetAsync(key, "v1");

        Assert.Equal("v1", await ReadUntilServedLocallyAsync(near, key));

        await other.Cache().SetAsync(key, "v2");
        await Eventually.TrueAsync(async () => await near.Cache().GetAsync<string>(key, ConsistencyLevel.Eventual) == "v2", "the near cache to drop v1");
        Assert.True(Counters(near).Invalidations > 0);

        await other.Cache().InvalidateTagAsync("unused-tag-" + Guid.NewGuid());
        await other.Cache().RemoveAsync(key);
        await Eventually.TrueAsync(async () => await near.Cache().GetAsync<string>(key, ConsistencyLevel.Eventual) is null, "the near cache to drop the removed key");
    }

    [Fact]
    public async Task TagInvalidationDropsNearCopies()
    {
        await using var near = WithNearCache();
        var key = TestKey.New();
        var tag = $"model:{Guid.NewGuid():N}";
        await near.Cache().SetAsync(key, "route", new DistCacheEntryOptions { Tags = [tag] });
        Assert.Equal("route", await ReadUntilServedLocallyAsync(near, key));

        await ClientFactory.Services(fixture).Cache().InvalidateTagAsync(tag);

        await Eventually.TrueAsync(async () => await near.Cache().GetAsync<string>(key, ConsistencyLevel.Eventual) is null, "the tag's routes to leave the near cache");
    }

    [Fact]
    public async Task WhenTheFeedFallsSilentTheNearCacheDropsEverything()
    {
        await using var near = WithNearCache();
        var key = TestKey.New();
        await near.Cache().SetAsync(key, "route");
        await ReadUntilServedLocallyAsync(near, key);
        var clears = Counters(near).Clears;

        await using (await NodeOutage.StartAsync(fixture, (await fixture.NodeIdsAsync())[0]))
        {
            await Eventually.TrueAsync(() => Task.FromResult(Counters(near).Clears > clears), "the near cache to clear itself");
            Assert.Equal(0, Counters(near).Entries);
        }
    }

    [Fact]
    public async Task QuorumAndStrongReadsNeverComeFromTheNearCache()
    {
        await using var near = WithNearCache();
        var key = TestKey.New();
        await near.Cache().SetAsync(key, "route");
        await ReadUntilServedLocallyAsync(near, key);
        var hits = Counters(near).Hits;

        await near.Cache().GetAsync<string>(key, ConsistencyLevel.Quorum);
        await near.Cache().GetAsync<string>(key, ConsistencyLevel.Strong);

        Assert.Equal(hits, Counters(near).Hits);
    }

    [Fact]
    public async Task TheNearCacheHoldsAtMostItsBoundWhileManyReadersMissAtOnce()
    {
        await using var near = ClientFactory.Services(fixture, o => (o.NearCache.Enabled, o.NearCache.MaxEntries) = (true, 10));
        var keys = Enumerable.Range(0, 200).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        await near.Cache().SetManyAsync(keys.ToDictionary(k => k, k => k));
        await ReadUntilServedLocallyAsync(near, keys[0]);

        // Concurrent misses on a full near cache store and evict at the same time; before CLOCK eviction, reads failed here.
        var reads = await Task.WhenAll(Enumerable.Range(0, 16).Select(reader => Task.Run(async () =>
        {
            var wrong = 0;
            foreach (var key in keys.Skip(reader).Concat(keys.Take(reader)))
            {
                wrong += await near.Cache().GetAsync<string>(key, ConsistencyLevel.Eventual) == key ? 0 : 1;
            }

            return wrong;
        })));

        Assert.All(reads, wrong => Assert.Equal(0, wrong));
        Assert.InRange(Counters(near).Entries, 1, 10);
    }
}
