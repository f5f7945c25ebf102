using DistCache.Client;
using DistCache.Tests.Cluster;

namespace DistCache.Tests.Client;

/// <summary>Concurrent misses for one key run the factory once, in one process and across processes.</summary>
[Collection(ClientGroup.Name)]
public sealed class StampedeTests(ClientCluster fixture)
{
    [Fact]
    public async Task ConcurrentMissesFromTwoClientsRunTheFactoryOnce()
    {
        // Two apps, each with its own client (and so its own in-process single flight).
        await using var first = ClientFactory.Services(fixture);
        await using var second = ClientFactory.Services(fixture);
        var key = TestKey.New();
        var calls = 0;
        async Task<string> Factory(CancellationToken cancellation)
        {
            var call = Interlocked.Increment(ref calls);
            await Task.Delay(300, cancellation); // The expensive computation being protected, not synchronization.
            return $"route {call}";
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? first : second).Cache().GetOrSetAsync(key, Factory)));

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal("route 1", r));
        Assert.Equal("route 1", await first.Cache().GetAsync<string>(key));
    }

    [Fact]
    public async Task AFillerThatFailsLetsTheNextCallerFill()
    {
        await using var services = ClientFactory.Services(fixture);
        var key = TestKey.New();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            services.Cache().GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("model table unavailable")));

        // The lease was released, so this caller need not wait for it to expire.
        Assert.Equal("fallback", await services.Cache().GetOrSetAsync(key, _ => Task.FromResult("fallback")));
    }

    [Fact]
    public async Task OnlyOneCallerAtATimeHoldsAFillLease()
    {
        var key = TestKey.New();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var first = await fixture.Cache.AcquireFillLeaseAsync(key, a, TimeSpan.FromSeconds(10));
        var second = await fixture.Cache.AcquireFillLeaseAsync(key, b, TimeSpan.FromSeconds(10));
        Assert.True(first.Granted);
        Assert.False(second.Granted);
        Assert.Equal(a, second.Holder);

        // It expires on the cluster's clock; then another caller takes over.
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.True((await fixture.Cache.AcquireFillLeaseAsync(key, b, TimeSpan.FromSeconds(10))).Granted);
        await fixture.Cache.ReleaseFillLeaseAsync(key, b);
        await Eventually.TrueAsync(
            async () => (await fixture.Cache.AcquireFillLeaseAsync(key, a, TimeSpan.FromSeconds(10))).Granted,
            "the released lease to be free");
    }
}
