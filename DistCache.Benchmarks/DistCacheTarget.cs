using DistCache.Tests.Processes;
using System.Globalization;
using DistCache.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistCache.Benchmarks;

/// <summary>
/// DistCache: silo processes (the real DistCache.Silo program, Release) and the DistCache.Client library;
/// <c>-twohop</c> targets turn off the client's direct reads and writes, so every operation goes through the entry grain;
/// <c>-grain</c> targets send the direct reads and writes as Orleans grain calls instead of over the silos' data ports;
/// <c>-near</c> targets turn on the client's near cache (its default size, 10,000 entries).
/// </summary>
internal sealed class DistCacheTarget(int silos, int replicationFactor, ConsistencyLevel level, int nodesPerSilo, bool direct = true, bool near = false, bool dataPort = true) : ILoadTarget
{
    private readonly List<ChildProcess> _silos = [];
    private IHost? _host;
    private IDistCache _cache = null!;
    private DistCacheEntryOptions _write = null!;

    /// <summary>The silos' hand-off window (1 minute by default), shortened so a run reaches the steady state sooner.</summary>
    private static readonly TimeSpan HandoffWindow = TimeSpan.FromSeconds(10);

    public string Name => $"distcache-{silos}silo-rf{replicationFactor}-{level.ToString().ToLowerInvariant()}{(direct ? "" : "-twohop")}{(dataPort || !direct ? "" : "-grain")}{(near ? "-near" : "")}";

    public static string SiloProgram
    {
        get
        {
            var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var root = bin.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "DistCache.Silo", "bin", bin.Parent.Name, bin.Name, "DistCache.Silo.dll");
        }
    }

    public async Task<string?> StartAsync()
    {
        var clusterId = $"bench-{Guid.NewGuid():N}";
        var primary = ServerProcess.FreePort();
        var gateways = new List<string>();
        for (var i = 0; i < silos; i++)
        {
            var (siloPort, gatewayPort) = (i == 0 ? primary : ServerProcess.FreePort(), ServerProcess.FreePort());
            string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
            var silo = new ChildProcess($"silo {i}", "dotnet",
            [
                SiloProgram, "--Silo:SiloPort", Text(siloPort), "--Silo:GatewayPort", Text(gatewayPort), "--Silo:PrimarySiloPort", Text(primary),
                "--Silo:ClusterId", clusterId, "--DistCache:ReplicationFactor", Text(replicationFactor), "--Logging:LogLevel:Default", "Warning", "--DistCache:HandoffReadWindow", HandoffWindow.ToString("c", CultureInfo.InvariantCulture), "--DistCache:NodesPerSilo", Text(nodesPerSilo),
            ], "DistCache silo ready");
            _silos.Add(silo);
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
            gateways.Add($"127.0.0.1:{gatewayPort}");
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDistCacheClient(o =>
        {
            foreach (var gateway in gateways)
            {
                o.Gateways.Add(gateway);
            }

            o.ClusterId = clusterId;
            o.DefaultConsistency = level;
            o.ReadFromNodes = direct;
            o.WriteToPrimary = direct;
            o.UseDataPort = dataPort;
            o.NearCache.Enabled = near;
        });
        _host = builder.Build();
        await _host.StartAsync();
        _cache = _host.Services.GetRequiredService<IDistCache>();
        _write = new DistCacheEntryOptions { Consistency = level };

        // Every silo must route with the whole cluster before the run: wait until a write needs no retry.
        await WaitForNodesAsync(silos * nodesPerSilo);
        await WaitForHandoffEndAsync();
        if (near)
        {
            await WaitForNearCacheAsync();
        }

        return null;
    }

    public async Task<bool> GetAsync(string key) => await _cache.GetBytesAsync(key, level) is not null;

    public Task SetAsync(string key, byte[] value) => _cache.SetBytesAsync(key, value, _write);

    public async Task<string?> RemarksAsync()
    {
        if (_host is null)
        {
            return null;
        }

        var stats = await _host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey).GetStatsAsync();
        var (calls, operations) = (stats.Nodes.Sum(n => n.Store.DirectCalls), stats.Nodes.Sum(n => n.Store.DirectOperations));
        var frames = _host.Services.GetRequiredService<DistCacheClient>().DataPortCounters?.Frames ?? 0;
        var remarks = $"calls straight to the nodes carried {(double)operations / Math.Max(1, calls):0.0} operations each"
            + (frames > 0 ? $", in {(double)operations / frames:0.0} operations per data port frame" : "") + " (warm-up and fill included)";
        return _host.Services.GetRequiredService<DistCacheClient>().NearCacheCounters is { } c
            ? $"{remarks}; the near cache served {(double)c.Hits / Math.Max(1, c.Hits + c.Misses):P1} of reads (warm-up included); {c.Invalidations:N0} entries invalidated, {c.Clears:N0} clears"
            : remarks;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
    }

    /// <summary>
    /// After the ring changes (here: the nodes joining at start) Quorum and Strong reads go through the
    /// entry grain until keys have settled; the runs measure the steady state after that window.
    /// </summary>
    private async Task WaitForHandoffEndAsync()
    {
        var cache = _host!.Services.GetRequiredService<IGrainFactory>().GetGrain<ICacheGrain>(0);
        while ((await cache.GetReadRoutingAsync()).InHandoff)
        {
            await Task.Delay(200);
        }
    }

    /// <summary>The near cache serves nothing until its invalidation feed is up: wait until a second read of a key is a local hit.</summary>
    private async Task WaitForNearCacheAsync()
    {
        var client = _host!.Services.GetRequiredService<DistCacheClient>();
        await _cache.SetBytesAsync("near-cache-probe", [1], _write);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            await _cache.GetBytesAsync("near-cache-probe", level);
            var hits = client.NearCacheCounters!.Hits;
            await _cache.GetBytesAsync("near-cache-probe", level);
            if (client.NearCacheCounters!.Hits > hits)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The near cache's invalidation feed did not come up within 30 s.");
    }

    private async Task WaitForNodesAsync(int nodes)
    {
        var coordinator = _host!.Services.GetRequiredService<IGrainFactory>().GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var stats = await coordinator.GetStatsAsync();
            if (stats.Nodes.Count(n => n.Node.Status != NodeStatus.Failed) == nodes && stats.SilosOnOlderTopology.Count == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The cluster did not show {nodes} nodes within 30 s.");
    }
}
