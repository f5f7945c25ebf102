using DistCache.Placement;
using DistCache.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistCache.Hosting;

/// <summary>
/// Ties DistCache to the silo's lifecycle: when the silo is active it starts this silo's nodes and
/// the topology poll (which also carries the data-path counters to the coordinator); when the
/// silo stops it unregisters the nodes, so the ring stops sending them keys at once.
/// </summary>
internal sealed class NodeHost(
    ILocalSiloDetails silo,
    IGrainFactory grains,
    TopologyCache topology,
    DataPathMetrics metrics,
    IOptions<DistCacheOptions> options,
    ILogger<NodeHost> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private string[] _nodeIds = [];
    private Task _polling = Task.CompletedTask;

    private ICoordinatorGrain Coordinator => grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    /// <summary>The ids of the nodes this silo hosts.</summary>
    public IReadOnlyList<string> NodeIds => _nodeIds;

    public void Dispose() => _stopping.Dispose();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(NodeHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _nodeIds = Enumerable.Range(0, options.Value.NodesPerSilo)
            .Select(i => DistCache.NodeIds.Create(silo.SiloAddress, i))
            .ToArray();
        await Task.WhenAll(_nodeIds.Select(id => grains.GetGrain<INodeGrain>(id).StartAsync()));
        DistCacheLog.NodesStarted(logger, _nodeIds.Length, silo.SiloAddress.ToString());
        _polling = Task.Run(() => PollAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var siloName = silo.SiloAddress.ToParsableString();
        using var timer = new PeriodicTimer(options.Value.TopologyRefreshInterval);
        do
        {
            try
            {
                await topology.RefreshAsync();
                await Coordinator.ReportDataPathAsync(siloName, metrics.Snapshot());
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                // Keep serving from the last snapshot; the next tick tries again.
                DistCacheLog.TopologyRefreshFailed(logger, topology.Current?.Version ?? -1, error);
            }
        }
        while (await WaitForTickAsync(timer, stopping));
    }

    private static async Task<bool> WaitForTickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _polling;
        try
        {
            await Task.WhenAll(_nodeIds.Select(id => Coordinator.UnregisterNodeAsync(id))).WaitAsync(options.Value.ReplicaCallTimeout, cancellationToken);
        }
        catch (Exception error)
        {
            DistCacheLog.UnregisterFailed(logger, silo.SiloAddress.ToString(), error);
        }
    }
}
