using DistCache.Hosting;
using DistCache.Placement;
using DistCache.Replication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace DistCache.Tests.Cluster;

/// <summary>
/// A real in-process Orleans cluster running DistCache. DistCache's clock is a shared
/// <see cref="FakeTimeProvider"/>, so TTLs and the heartbeat timeout move only when a test says;
/// Orleans' own timers stay on real time, so heartbeats and topology polls keep flowing.
/// </summary>
public abstract class CacheClusterFixture(short silos, int nodesPerSilo, Action<DistCacheOptions>? configure = null) : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public ICacheGrain Cache => Client.GetGrain<ICacheGrain>(0);

    public ICoordinatorGrain Coordinator => Client.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    public int ExpectedNodes => silos * nodesPerSilo;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddDistCache(options =>
            {
                options.NodesPerSilo = nodesPerSilo;
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
                options.TopologyRefreshInterval = TimeSpan.FromMilliseconds(100);
                options.HealthCheckInterval = TimeSpan.FromMilliseconds(100);
                options.InvalidationHeartbeatInterval = TimeSpan.FromMilliseconds(200);

                // Off unless a test's cluster turns them on, so tests of one repair path see only that one.
                options.AntiEntropyInterval = TimeSpan.FromHours(1);
                options.ReadRepairChance = 0;
                configure?.Invoke(options);
            });
            silo.Services.AddKeyedSingleton<TimeProvider>(DistCacheSiloBuilderExtensions.ClockServiceKey, Clock);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await WaitForTopologyAsync(nodes => nodes.Count == ExpectedNodes && nodes.All(n => n.Status != NodeStatus.Failed));

        // Nodes that saw the smaller rings of the silos' start copy their data on a later tick; a test that wrote
        // a replica by hand before then would see the copy spread it.
        await Eventually.TrueAsync(async () =>
        {
            var rings = Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<TopologyCache>().Current?.Ring.Fingerprint).Distinct().ToList();
            var placed = await Task.WhenAll((await NodeIdsAsync()).Select(async id => (await Node(id).GetCountersAsync()).PlacedRing));
            return rings is [{ } ring] && placed.All(p => p == ring);
        }, "every node to place its data under the cluster's ring");
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Waits until every silo's data path routes with a topology that satisfies <paramref name="done"/>.</summary>
    public Task WaitForTopologyAsync(Func<IReadOnlyList<TopologyNode>, bool> done) =>
        Eventually.TrueAsync(
            () => Task.FromResult(Cluster.Silos.All(silo =>
                silo.ServiceProvider.GetRequiredService<TopologyCache>().Current is { } view && done(view.Snapshot.Nodes))),
            "every silo's topology to reach the expected state");

    /// <summary>
    /// Cluster statistics once the coordinator has caught up with every silo's data-path counters
    /// (they arrive with the silos' topology polls), so before/after comparisons are exact.
    /// </summary>
    public Task<ClusterStats> SettledStatsAsync() =>
        Eventually.MatchesAsync(
            Coordinator.GetStatsAsync,
            stats =>
            {
                var local = Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<DataPathMetrics>().Snapshot()).ToArray();
                return stats.Operations.Reads == local.Sum(l => l.Reads) &&
                       stats.Operations.Writes == local.Sum(l => l.Writes) &&
                       stats.Operations.Removes == local.Sum(l => l.Removes) &&
                       stats.Operations.ReadRepairs == local.Sum(l => l.ReadRepairs) &&
                       stats.Operations.HintsRequested == local.Sum(l => l.HintsRequested) &&
                       stats.Failovers == local.Sum(l => l.ByNode.Values.Sum(n => n.Failovers)) &&
                       stats.ReplicationFailures == local.Sum(l => l.ByNode.Values.Sum(n => n.ReplicationFailures));
            },
            "the coordinator to catch up with every silo's counters");

    /// <summary>The ids of the cluster's nodes, as the coordinator lists them.</summary>
    public async Task<string[]> NodeIdsAsync() => (await Coordinator.GetNodesAsync()).Select(n => n.NodeId).ToArray();

    public INodeGrain Node(string nodeId) => Client.GetGrain<INodeGrain>(nodeId);
}
