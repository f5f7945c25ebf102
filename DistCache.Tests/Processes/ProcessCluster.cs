using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace DistCache.Tests.Processes;

/// <summary>
/// A cluster of real silo processes on Redis membership, with an Orleans client, ready for load:
/// every node registered and every silo routing with the full topology.
/// </summary>
public sealed class ProcessCluster : IDisposable
{
    private readonly ChildProcess _redis;
    private readonly IHost _client;

    private ProcessCluster(ChildProcess redis, List<ChildProcess> silos, IHost client)
    {
        (_redis, Silos, _client) = (redis, silos, client);
        Grains = client.Services.GetRequiredService<IClusterClient>();
    }

    public List<ChildProcess> Silos { get; }

    public IGrainFactory Grains { get; }

    public ICacheGrain Cache => Grains.GetGrain<ICacheGrain>(0);

    public ICoordinatorGrain Coordinator => Grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    /// <summary>Starts redis-server and <paramref name="silos"/> silo processes (skips the test without redis-server).</summary>
    public static async Task<ProcessCluster> StartAsync(int silos, int nodesPerSilo, params string[] siloArguments)
    {
        var (redis, endpoint) = await LocalRedis.StartAsync();
        var clusterId = $"test-{Guid.NewGuid():N}";
        var processes = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                processes.Add(SiloProcess.Start(i, endpoint, clusterId, FreePort.Next(), FreePort.Next(), nodesPerSilo, siloArguments));
            }

            await Task.WhenAll(processes.Select(s => s.WaitReadyAsync(TimeSpan.FromMinutes(2))));
            var cluster = new ProcessCluster(redis, processes, await ConnectAsync(endpoint, clusterId));
            await Eventually.MatchesAsync(cluster.Coordinator.GetNodesAsync, n => n.Count(x => x.Status != NodeStatus.Failed) == silos * nodesPerSilo,
                "every silo's nodes to register", TimeSpan.FromSeconds(60));

            // Until every silo routes with the full topology, a silo may still place keys on itself alone.
            await Eventually.MatchesAsync(cluster.Coordinator.GetStatsAsync, s => s.SilosOnOlderTopology.Count == 0,
                "every silo to route with the current topology", TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            processes.ForEach(p => p.Dispose());
            redis.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        Silos.ForEach(s => s.Dispose());
        _redis.Dispose();
    }

    private static async Task<IHost> ConnectAsync(string redis, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "distcache"))

            // A call in flight to a crashed gateway otherwise waits 30 s.
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
