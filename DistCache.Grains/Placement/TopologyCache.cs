using DistCache.Hosting;
using Microsoft.Extensions.Options;

namespace DistCache.Placement;

/// <summary>
/// This silo's copy of the topology. Refreshed by polling the coordinator (see <see cref="Hosting.NodeHost"/>),
/// so the data path reads it without any call; the first operation on a fresh silo fetches it once.
/// </summary>
internal sealed class TopologyCache(IGrainFactory grains, IOptions<DistCacheOptions> options)
{
    private readonly object _gate = new();
    private volatile TopologyView? _current;
    private Task<TopologyView>? _refreshing;

    public TopologyView? Current => _current;

    public ValueTask<TopologyView> GetAsync() =>
        _current is { } view ? ValueTask.FromResult(view) : new ValueTask<TopologyView>(RefreshAsync());

    /// <summary>Asks the coordinator for a newer topology; concurrent callers share one call.</summary>
    public Task<TopologyView> RefreshAsync()
    {
        lock (_gate)
        {
            return _refreshing is { IsCompleted: false } pending ? pending : _refreshing = FetchAsync();
        }
    }

    private async Task<TopologyView> FetchAsync()
    {
        var known = _current;
        var snapshot = await grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey)
            .GetTopologyAsync(known?.Snapshot.Epoch ?? Guid.Empty, known?.Version ?? -1);

        // Within an epoch versions only grow: an answer overtaken by a newer one is dropped.
        if (snapshot is not null && (known is null || snapshot.Epoch != known.Snapshot.Epoch || snapshot.Version > known.Version))
        {
            _current = new TopologyView(snapshot, options.Value.VirtualNodesPerNode, grains, known, options.Value.HandoffReadWindow);
        }

        return _current!;
    }
}
