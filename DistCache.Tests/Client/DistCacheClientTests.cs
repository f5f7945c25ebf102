using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>The typed client against a real cluster.</summary>
[Collection(ClientGroup.Name)]
public sealed class DistCacheClientTests(ClientCluster fixture)
{
    private sealed record Route(string Model, double Score, string[] Reasons);

    [Fact]
    public async Task TypedValuesRoundTripThroughJsonWithTtlTagsAndConsistency()
    {
        await using var services = ClientFactory.Services(fixture);
        var cache = services.Cache();
        var key = TestKey.New();
        var route = new Route("gpt-small", 0.75, ["short", "english"]);

        await cache.SetAsync(key, route, new DistCacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10), Consistency = ConsistencyLevel.Strong, Tags = ["model:gpt-small"] });

        var read = await cache.GetAsync<Route>(key, ConsistencyLevel.Quorum);
        Assert.Equal(route.Model, read!.Model);
        Assert.Equal(route.Reasons, read.Reasons);
        Assert.Equal("gpt-small", System.Text.Json.JsonDocument.Parse(await cache.GetBytesAsync(key) ?? []).RootElement.GetProperty("model").GetString());

        // The cluster's clock: each jump stays under the 30 s heartbeat timeout, so no node is marked Failed.
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await cache.GetAsync<Route>(key));
    }

    [Fact]
    public async Task ManyKeysAreReadAndWrittenAtOnce()
    {
        await using var services = ClientFactory.Services(fixture);
        var cache = services.Cache();
        var entries = Enumerable.Range(0, 50).ToDictionary(i => TestKey.New(suffix: $"-{i}"), i => i);

        await cache.SetManyAsync(entries);
        var read = await cache.GetManyAsync<int>(entries.Keys.Append("absent:" + Guid.NewGuid()));

        Assert.All(entries, e => Assert.Equal(e.Value, read[e.Key]));
        Assert.Equal(51, read.Count);
        Assert.Equal(0, read.Single(r => r.Key.StartsWith("absent:", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task RemoveAndTagInvalidationGoThroughTheClient()
    {
        await using var services = ClientFactory.Services(fixture);
        var cache = services.Cache();
        var (a, b) = (TestKey.New(suffix: "-a"), TestKey.New(suffix: "-b"));
        var tag = $"model:{Guid.NewGuid():N}";
        await cache.SetAsync(a, "x", new DistCacheEntryOptions { Tags = [tag], Consistency = ConsistencyLevel.Strong });
        await cache.SetAsync(b, "y");

        await cache.RemoveAsync(b);
        var invalidated = await cache.InvalidateTagAsync(tag);

        Assert.Null(await cache.GetAsync<string>(a));
        Assert.Null(await cache.GetAsync<string>(b));
        Assert.Equal(3, invalidated.Deleted);
    }

    [Fact]
    public async Task BadArgumentsAreRejectedWithTheValueNamedAndWriteNothing()
    {
        await using var services = ClientFactory.Services(fixture);
        var cache = services.Cache();
        var key = TestKey.New();

        Assert.Contains("must not be empty", (await Assert.ThrowsAsync<ArgumentException>(() => cache.SetAsync("", 1))).Message);
        Assert.Contains("-00:00:01", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cache.SetAsync(key, 1, new DistCacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(-1) }))).Message);
        Assert.Contains("has 0", (await Assert.ThrowsAsync<ArgumentException>(() =>
            cache.SetManyAsync(new Dictionary<string, int> { [key] = 1, [key + "-2"] = 2 }, new DistCacheEntryOptions { Tags = [""] }))).Message);
        Assert.Contains("42", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cache.GetAsync<int>(key, (ConsistencyLevel)42))).Message);
        Assert.Null(await cache.GetBytesAsync(key, ConsistencyLevel.Strong));

        var options = Assert.Throws<ArgumentOutOfRangeException>(() => ClientFactory.Services(fixture, o => o.OperationTimeout = TimeSpan.Zero));
        Assert.Contains("OperationTimeout", options.Message);
    }

    [Fact]
    public async Task AQuorumNotMetAndATimeoutSurfaceAsDistCacheExceptions()
    {
        await using var services = ClientFactory.Services(fixture);
        var key = TestKey.New();
        var replicas = await fixture.Cache.GetReplicasAsync(key);
        await using (await NodeOutage.StartAsync(fixture, replicas[1], replicas[2]))
        {
            var error = await Assert.ThrowsAsync<QuorumNotReachedException>(() =>
                services.Cache().SetAsync(key, 1, new DistCacheEntryOptions { Consistency = ConsistencyLevel.Quorum }));
            Assert.Equal(2, error.Required);
        }

        // 100 ns: no call to the cluster can answer that fast.
        await using var impatient = ClientFactory.Services(fixture, o => o.OperationTimeout = TimeSpan.FromTicks(1));
        var timeout = await Assert.ThrowsAsync<DistCacheTimeoutException>(() => impatient.Cache().GetAsync<int>(key));
        Assert.Contains("00:00:00.0000001", timeout.Message);
    }
}
