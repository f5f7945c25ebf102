using DistCache.Coordination;
using DistCache.DataPort;
using DistCache.Placement;
using DistCache.Replication;
using DistCache.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DistCache.Hosting;

/// <summary>Adds DistCache to an Orleans silo.</summary>
public static class DistCacheSiloBuilderExtensions
{
    /// <summary>
    /// The service key of the <see cref="TimeProvider"/> DistCache reads its clock from (TTLs, heartbeat
    /// timeouts, versions). It defaults to the system clock; tests register a fake one under this key,
    /// which leaves Orleans' own timers on real time.
    /// </summary>
    public const string ClockServiceKey = "DistCache.Clock";

    /// <summary>The grain directory node grains register in.</summary>
    internal const string NodeDirectory = "distcache-nodes";

    /// <summary>
    /// Hosts DistCache on this silo: its nodes, the coordinator, and the data path. Options bind from
    /// the <c>DistCache</c> configuration section, then <paramref name="configure"/> runs; they are
    /// validated at start-up. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    public static ISiloBuilder AddDistCache(this ISiloBuilder builder, Action<DistCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<DistCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(NodeHost)))
        {
            return builder;
        }

        options.BindConfiguration(DistCacheOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistCacheOptions>, DistCacheOptionsValidator>());
        services.TryAddKeyedSingleton(ClockServiceKey, TimeProvider.System);
        services.TryAddSingleton(sp => new HybridLogicalClock(sp.GetRequiredKeyedService<TimeProvider>(ClockServiceKey)));
        services.TryAddSingleton<IConflictResolver>(LastWriterWins.Instance);
        services.TryAddSingleton<DataPathMetrics>();
        services.TryAddSingleton<NodeBatchers>();
        services.TryAddSingleton<TopologyCache>();
        services.TryAddSingleton<ReplicatedCache>();
        services.AddSingleton<NodeHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<NodeHost>());
        services.AddSingleton<SiloDeathWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDeathWatcher>());
        services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        services.TryAddSingleton<NodeActivations>();
        services.TryAddSingleton<LocalNodes>();
        services.AddSingleton<DataPortServer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DataPortServer>());

        // Orleans' default directory deactivates every activation whose entry lived on a silo that
        // died, which for a node means an empty store (measured: a kill -9 emptied a node on a live
        // silo). The distributed directory recovers entries instead. It is experimental, so only
        // DistCache's node grains use it; the application's grains keep the default.
#pragma warning disable ORLEANSEXP003 // Experimental API, chosen on purpose; see above.
        builder.AddDistributedGrainDirectory(NodeDirectory);
#pragma warning restore ORLEANSEXP003
        return builder;
    }

    /// <summary>
    /// Resolves concurrent versions of a key with <typeparamref name="TResolver"/> instead of
    /// <see cref="LastWriterWins"/>. Every silo of the cluster must use the same resolver.
    /// </summary>
    public static ISiloBuilder UseDistCacheConflictResolver<TResolver>(this ISiloBuilder builder)
        where TResolver : class, IConflictResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IConflictResolver>();
        builder.Services.AddSingleton<IConflictResolver, TResolver>();
        return builder;
    }
}
