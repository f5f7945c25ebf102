using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace DistCache.Tests.Client;

/// <summary>An app's service provider with the DistCache client on a test cluster's Orleans client, and the cluster's clock.</summary>
public static class ClientFactory
{
    public static ServiceProvider Services(CacheClusterFixture fixture, Action<DistCacheClientOptions>? configure = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IGrainFactory>(fixture.Client);
        services.AddDistCacheClient(options =>
        {
            options.Clock = fixture.Clock;
            options.NearCache.Invalidations.StaleAfter = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static IDistCache Cache(this ServiceProvider services) => services.GetRequiredService<IDistCache>();

    /// <summary>The client, once its direct reads are ready: the cluster is out of its hand-off window and a Strong read goes straight to the nodes.</summary>
    public static async Task<(IDistCache Cache, DistCacheClient Client)> ReadyForDirectReadsAsync(this ServiceProvider services, CacheClusterFixture fixture)
    {
        await Eventually.TrueAsync(async () => !(await fixture.Cache.GetReadRoutingAsync()).InHandoff, "the cluster to leave its hand-off window");
        var cache = services.Cache();
        var client = (DistCacheClient)cache;
        var probe = TestKey.New(suffix: "-probe");
        await cache.SetBytesAsync(probe, [1], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong });
        await Eventually.TrueAsync(async () =>
        {
            var direct = client.NodeReadCounters!.Direct;
            await cache.GetBytesAsync(probe, ConsistencyLevel.Strong);
            return client.NodeReadCounters.Direct > direct;
        }, "the client to read straight from the nodes");
        return (cache, client);
    }
}
