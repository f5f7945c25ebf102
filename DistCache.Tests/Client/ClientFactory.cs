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
}
