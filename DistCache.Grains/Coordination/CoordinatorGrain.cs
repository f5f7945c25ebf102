using System.Diagnostics;
using DistCache.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace DistCache.Coordination;

/// <summary>The control plane: a grain shell over <see cref="NodeRegistry"/>.</summary>
[Reentrant] // Every handler changes the registry only between awaits; GetStats awaits nodes and must not hold up heartbeats.
[KeepAlive] // Its registry is in memory; a new activation rebuilds it from silo reports, but only after a gap.
internal sealed class CoordinatorGrain(
    IOptions<DistCacheOptions> options,
    [FromKeyedServices(DistCacheSiloBuilderExtensions.ClockServiceKey)] TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<CoordinatorGrain> logger) : Grain, ICoordinatorGrain
{
    private readonly DistCacheOptions _options = options.Value;
    private readonly NodeRegistry _registry = new(new HealthPolicy(options.Value), time);
    private readonly Dictionary<string, SiloReport> _silos = new(StringComparer.Ordinal);
    private readonly Stopwatch _age = Stopwatch.StartNew();

    /// <summary>
    /// A new activation knows no nodes until every silo has reported once. Until then it hands no
    /// partial topology to silos that already have one: they keep serving from their last snapshot.
    /// </summary>
    private bool Rebuilding => _age.Elapsed < 2 * (_options.TopologyRefreshInterval > _options.HeartbeatInterval ? _options.TopologyRefreshInterval : _options.HeartbeatInterval);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DistCacheLog.CoordinatorActivated(logger, silo.SiloAddress.ToString());
        this.RegisterGrainTimer(
            _ =>
            {
                Evaluate();
                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(_options.HealthCheckInterval, _options.HealthCheckInterval));
        return Task.CompletedTask;
    }

    public Task<NodeInfo> RegisterNodeAsync(NodeRegistration registration)
    {
        var info = _registry.Register(registration, out var change);
        DistCacheLog.NodeRegistered(logger, registration.NodeId, registration.Silo, registration.CapacityBytes);
        Report(change);
        return Task.FromResult(info);
    }

    public Task UnregisterNodeAsync(string nodeId)
    {
        if (_registry.Unregister(nodeId))
        {
            DistCacheLog.NodeUnregistered(logger, nodeId);
        }

        return Task.CompletedTask;
    }

    public Task HeartbeatAsync(NodeHeartbeat heartbeat)
    {
        Report(_registry.Heartbeat(heartbeat));
        return Task.CompletedTask;
    }

    public Task<TopologySnapshot?> GetTopologyAsync(Guid knownEpoch, long knownVersion)
    {
        Evaluate();
        var current = knownEpoch == _registry.Epoch && knownVersion == _registry.Version;

        // A silo that has a topology keeps it until this activation has heard from every silo.
        var keepOld = knownEpoch != Guid.Empty && knownEpoch != _registry.Epoch && Rebuilding;
        return Task.FromResult(current || keepOld ? null : _registry.GetTopology());
    }

    public Task ReportSiloAsync(SiloReport report)
    {
        foreach (var node in report.Nodes)
        {
            if (_registry.RegisterIfUnknown(node))
            {
                DistCacheLog.NodeRegistered(logger, node.NodeId, node.Silo, node.CapacityBytes);
            }
        }

        _silos[report.Silo] = report;
        return Task.CompletedTask;
    }

    public Task SiloDeadAsync(string silo)
    {
        foreach (var change in _registry.MarkSiloDead(silo))
        {
            Report(change);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeInfo>> GetNodesAsync()
    {
        Evaluate();
        return Task.FromResult(_registry.GetNodes());
    }

    public async Task<ClusterStats> GetStatsAsync()
    {
        Evaluate();
        var version = _registry.Version;
        var records = _registry.Records;
        var dataPaths = _silos.Values.Select(r => r.Counters).ToArray();
        var topology = _registry.GetTopology();
        var liveSilos = topology.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => n.Silo).ToHashSet(StringComparer.Ordinal);
        var behind = _silos.Values
            .Where(r => liveSilos.Contains(r.Silo) && (r.TopologyEpoch != topology.Epoch || r.TopologyVersion != topology.Version))
            .Select(r => r.Silo)
            .ToArray();
        var fresh = await Task.WhenAll(records.Select(FreshCountersAsync));
        var nodes = records.Select((record, i) => new NodeStats
        {
            Node = record.ToInfo(),
            Store = fresh[i] ?? record.Store,
            IsFresh = fresh[i] is not null,
            Failovers = dataPaths.Sum(d => d.ByNode.GetValueOrDefault(record.Registration.NodeId)?.Failovers ?? 0),
            ReplicationFailures = dataPaths.Sum(d => d.ByNode.GetValueOrDefault(record.Registration.NodeId)?.ReplicationFailures ?? 0),
        }).ToArray();

        return new ClusterStats
        {
            TopologyVersion = version,
            CoordinatorSilo = silo.SiloAddress.ToParsableString(),
            SilosOnOlderTopology = behind,
            Nodes = nodes,
            Operations = new DataPathCounters
            {
                Reads = dataPaths.Sum(d => d.Reads),
                Writes = dataPaths.Sum(d => d.Writes),
                Removes = dataPaths.Sum(d => d.Removes),
                Hits = dataPaths.Sum(d => d.Hits),
                Misses = dataPaths.Sum(d => d.Misses),
                Failures = dataPaths.Sum(d => d.Failures),
                ReadRepairs = dataPaths.Sum(d => d.ReadRepairs),
                HintsRequested = dataPaths.Sum(d => d.HintsRequested),
            },
        };
    }

    /// <summary>The node's counters now, or null when it is Failed or does not answer in time.</summary>
    private async Task<StoreCounters?> FreshCountersAsync(NodeRecord record)
    {
        if (record.Status == NodeStatus.Failed)
        {
            return null;
        }

        try
        {
            return await GrainFactory.GetGrain<INodeGrain>(record.Registration.NodeId).GetCountersAsync().WaitAsync(_options.ReplicaCallTimeout);
        }
        catch (Exception error)
        {
            DistCacheLog.NodeStatsUnavailable(logger, record.Registration.NodeId, error);
            return null;
        }
    }

    private void Evaluate()
    {
        foreach (var change in _registry.Evaluate())
        {
            Report(change);
        }
    }

    private void Report(StatusChange? change)
    {
        if (change is { } c)
        {
            DistCacheLog.NodeStatusChanged(logger, c.NodeId, c.From, c.To, _registry.Version);
        }
    }
}
