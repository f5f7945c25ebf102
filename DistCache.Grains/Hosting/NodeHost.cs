using DistCache.DataPort;
using DistCache.Placement;
using DistCache.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistCache.Hosting;

/// <summary>
/// Ties DistCache to the silo's lifecycle. When the silo is active it starts this silo's nodes and
/// the topology poll, which also reports the nodes and the data-path counters to the coordinator.
/// When the silo stops gracefully its nodes leave: they are unregistered, so the ring stops sending
/// them keys, and they hand every entry to the new owners before the silo exits. A killed silo
/// (stop token already cancelled) says no goodbye; re-replication covers its loss.
/// </summary>
internal sealed class NodeHost(
    ILocalSiloDetails silo,
    IGrainFactory grains,
    TopologyCache topology,
    DataPathMetrics metrics,
    DataPortServer dataPort,
    IOptions<DistCacheOptions> options,
    ILogger<NodeHost> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private NodeRegistration[] _nodes = [];
    private Task _polling = Task.CompletedTask;

    private ICoordinatorGrain Coordinator => grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    public void Dispose() => _stopping.Dispose();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(NodeHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var siloName = silo.SiloAddress.ToParsableString();
        _nodes = Enumerable.Range(0, options.Value.NodesPerSilo)
            .Select(i => new NodeRegistration(NodeIds.Create(silo.SiloAddress, i), siloName, options.Value.NodeCapacityBytes, dataPort.Port))
            .ToArray();
        await Task.WhenAll(_nodes.Select(node => grains.GetGrain<INodeGrain>(node.NodeId).StartAsync()));
        DistCacheLog.NodesStarted(logger, _nodes.Length, silo.SiloAddress.ToString());
        _polling = Task.Run(() => PollAsync(siloName, _stopping.Token), CancellationToken.None);
    }

    private async Task PollAsync(string siloName, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.TopologyRefreshInterval);
        do
        {
            try
            {
                var view = await topology.RefreshAsync();
                await Coordinator.ReportSiloAsync(new SiloReport(siloName, _nodes, metrics.Snapshot(), view.Snapshot.Epoch, view.Version));
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
        if (cancellationToken.IsCancellationRequested || _nodes.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_nodes.Select(node => Coordinator.UnregisterNodeAsync(node.NodeId)));
            var remaining = await Coordinator.GetTopologyAsync(Guid.Empty, -1);
            var handedOff = await Task.WhenAll(_nodes.Select(node => grains.GetGrain<INodeGrain>(node.NodeId).LeaveAsync(remaining!)));
            DistCacheLog.SiloLeft(logger, silo.SiloAddress.ToString(), handedOff.Sum());
        }
        catch (Exception error)
        {
            DistCacheLog.LeaveFailed(logger, silo.SiloAddress.ToString(), error);
        }
    }
}
