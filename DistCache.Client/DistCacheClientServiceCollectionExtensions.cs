using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace DistCache.Client;

/// <summary>Adds the DistCache client to an app's services.</summary>
public static class DistCacheClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDistCache"/> and <see cref="IDistributedCache"/> (so <c>AddHybridCache()</c>
    /// and ASP.NET Core use DistCache). With <see cref="DistCacheClientOptions.Gateways"/> or
    /// <see cref="DistCacheClientOptions.ConfigureOrleans"/> set, it also adds the Orleans client that
    /// connects to the cluster; otherwise the app adds its own (<c>UseOrleansClient</c>).
    /// </summary>
    public static IServiceCollection AddDistCacheClient(this IServiceCollection services, Action<DistCacheClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new DistCacheClientOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(Options.Create(options));
        services.TryAddSingleton<IDistCacheSerializer>(new JsonDistCacheSerializer());
        services.TryAddSingleton<DistCacheClient>();
        services.TryAddSingleton<IDistCache>(sp => sp.GetRequiredService<DistCacheClient>()); // Disposed twice by the container; harmless.

        // Last registration wins, so this replaces an in-memory IDistributedCache added earlier.
        services.AddSingleton<IDistributedCache, DistCacheDistributedCache>();

        if (options.ConfigureOrleans is { } configureOrleans)
        {
            services.AddOrleansClient(configureOrleans);
        }
        else if (options.Gateways.Count > 0)
        {
            var gateways = options.Gateways.Select(g => DistCacheClientOptions.TryParseGateway(g, out var endpoint) ? endpoint : null!).ToArray();
            services.AddOrleansClient(client => client
                .UseStaticClustering(gateways)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId)));
        }

        return services;
    }
}
