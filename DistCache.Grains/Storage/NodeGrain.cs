using DistCache.Hosting;
using DistCache.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Statistics;

namespace DistCache.Storage;

/// <summary>
/// One cache node: a <see cref="BoundedStore"/> pinned to its silo, heartbeating its metrics to
/// the coordinator. Not reentrant: the store is touched by one request at a time.
/// </summary>
[SiloPinnedPlacement]
[KeepAlive] // The store lives only in this activation's memory: idle collection would throw the data away.
internal sealed class NodeGrain(
    IOptions<DistCacheOptions> options,
    [FromKeyedServices(DistCacheSiloBuilderExtensions.ClockServiceKey)] TimeProvider time,
    IEnvironmentStatisticsProvider environment,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private readonly DistCacheOptions _options = options.Value;
    private BoundedStore _store = null!;
    private NodeRegistration _registration = null!;
    private bool _inOutage;

    private ICoordinatorGrain Coordinator => GrainFactory.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var nodeId = this.GetPrimaryKeyString();
        _registration = new NodeRegistration(nodeId, NodeIds.SiloOf(nodeId).ToParsableString(), _options.NodeCapacityBytes);
        _store = new BoundedStore(_options.NodeCapacityBytes, _options.TombstoneRetention, time);
        this.RegisterGrainTimer(SendHeartbeatAsync, new GrainTimerCreationOptions(_options.HeartbeatInterval, _options.HeartbeatInterval));
        this.RegisterGrainTimer(SweepExpired, new GrainTimerCreationOptions(_options.ExpirationSweepInterval, _options.ExpirationSweepInterval));
        return Task.CompletedTask;
    }

    public async Task<NodeRegistration> StartAsync()
    {
        await Coordinator.RegisterNodeAsync(_registration);
        return _registration;
    }

    public Task<NodeReadResult> GetAsync(string key)
    {
        EnsureInService();
        return Task.FromResult(_store.Get(key));
    }

    public Task<NodeWriteResult> SetAsync(string key, byte[] value, CacheVersion version, long expiresAtTicks)
    {
        EnsureInService();
        return Task.FromResult(_store.Set(key, value, version, expiresAtTicks));
    }

    public Task<NodeWriteResult> RemoveAsync(string key, CacheVersion version)
    {
        EnsureInService();
        return Task.FromResult(_store.Remove(key, version));
    }

    public Task<StoreCounters> GetCountersAsync() => Task.FromResult(_store.GetCounters());

    public Task SimulateOutageAsync(bool inOutage)
    {
        if (_inOutage != inOutage)
        {
            DistCacheLog.NodeOutage(logger, _registration.NodeId, inOutage);
        }

        _inOutage = inOutage;
        return Task.CompletedTask;
    }

    private void EnsureInService()
    {
        if (_inOutage)
        {
            throw new NodeUnavailableException($"Node '{_registration.NodeId}' is in a simulated outage.");
        }
    }

    private Task SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        if (_inOutage)
        {
            return Task.CompletedTask;
        }

        var stats = environment.GetEnvironmentStatistics();
        return Coordinator.HeartbeatAsync(new NodeHeartbeat(
            _registration,
            stats.FilteredCpuUsagePercentage,
            stats.FilteredMemoryUsageBytes,
            stats.FilteredAvailableMemoryBytes,
            _store.GetCounters()));
    }

    private Task SweepExpired(CancellationToken cancellationToken)
    {
        _store.RemoveExpired();
        return Task.CompletedTask;
    }
}
