using DistCache.Tests.Cluster;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>
/// <see cref="IDistributedCache"/> semantics, and HybridCache using DistCache as its L2 with no other
/// change. Expirations run on the cluster's fake clock; each jump stays under the heartbeat timeout.
/// </summary>
[Collection(ClientGroup.Name)]
public sealed class DistributedCacheTests(ClientCluster fixture)
{
    private static readonly byte[] Value = [1, 2, 3];

    private ServiceProvider App() => ClientFactory.Services(fixture, more: services => services.AddHybridCache());

    [Fact]
    public async Task AbsoluteExpirationRelativeToNowEndsTheEntry()
    {
        await using var app = App();
        var cache = app.GetRequiredService<IDistributedCache>();
        var key = TestKey.New();

        await cache.SetAsync(key, Value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10) });
        fixture.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(Value, await cache.GetAsync(key));
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await cache.GetAsync(key));
    }

    [Fact]
    public async Task SlidingExpirationIsExtendedByReadsAndRefreshesButNotPastTheAbsoluteOne()
    {
        await using var app = App();
        var cache = app.GetRequiredService<IDistributedCache>();
        var key = TestKey.New();
        await cache.SetAsync(key, Value, new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(10),
            AbsoluteExpiration = fixture.Clock.GetUtcNow().AddSeconds(25),
        });

        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(Value, await cache.GetAsync(key));   // 8 s: slides to 18 s
        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        await cache.RefreshAsync(key);                     // 16 s: slides to 25 s (the absolute cap, not 26 s)
        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(Value, await cache.GetAsync(key));   // 24 s: still there
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await cache.GetAsync(key));            // 26 s: past the absolute expiration
    }

    [Fact]
    public async Task AnUnreadSlidingEntryExpiresAfterItsWindow()
    {
        await using var app = App();
        var cache = app.GetRequiredService<IDistributedCache>();
        var key = TestKey.New();
        await cache.SetAsync(key, Value, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10) });

        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await cache.GetAsync(key));
    }

    [Fact]
    public async Task BadExpirationsAreRejectedAndRemoveRemoves()
    {
        await using var app = App();
        var cache = app.GetRequiredService<IDistributedCache>();
        var key = TestKey.New();

        var past = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cache.SetAsync(key, Value, new DistributedCacheEntryOptions { AbsoluteExpiration = fixture.Clock.GetUtcNow().AddSeconds(-1) }));
        Assert.Contains("not in the future", past.Message);
        Assert.Null(await cache.GetAsync(key));

        cache.Set(key, Value, new DistributedCacheEntryOptions());
        Assert.Equal(Value, cache.Get(key));
        cache.Remove(key);
        Assert.Null(cache.Get(key));
    }

    [Fact]
    public async Task HybridCacheInstancesShareEntriesThroughDistCacheUntilTheyExpire()
    {
        var key = TestKey.New();
        var calls = 0;
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), LocalCacheExpiration = TimeSpan.FromSeconds(10) };
        ValueTask<string> Factory(CancellationToken _) => ValueTask.FromResult($"route {Interlocked.Increment(ref calls)}");

        // Three apps with their own HybridCache (and so their own L1), sharing the cluster as L2.
        await using var first = App();
        await using var second = App();
        await using var third = App();

        Assert.Equal("route 1", await first.GetRequiredService<HybridCache>().GetOrCreateAsync(key, Factory, options));
        // HybridCache writes its L2 in the background, after returning.
        await Eventually.TrueAsync(async () => await first.GetRequiredService<IDistributedCache>().GetAsync(key) is not null, "HybridCache to write the entry to DistCache");
        Assert.Equal("route 1", await second.GetRequiredService<HybridCache>().GetOrCreateAsync(key, Factory, options));
        Assert.Equal(1, calls);

        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal("route 2", await third.GetRequiredService<HybridCache>().GetOrCreateAsync(key, Factory, options));
        Assert.Equal(2, calls);
        await Eventually.TrueAsync(async () => await first.GetRequiredService<IDistributedCache>().GetAsync(key) is not null, "the new entry to reach DistCache");

        // A removal reaches the shared L2: a fourth app (empty L1) computes the value again.
        await third.GetRequiredService<HybridCache>().RemoveAsync(key);
        await using var fourth = App();
        Assert.Equal("route 3", await fourth.GetRequiredService<HybridCache>().GetOrCreateAsync(key, Factory, options));
    }
}
