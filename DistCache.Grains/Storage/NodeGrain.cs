using DistCache.DataPort;
using DistCache.Hosting;
using DistCache.Placement;
using DistCache.Replication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.GrainDirectory;
using Orleans.Placement;
using Orleans.Statistics;

namespace DistCache.Storage;

/// <summary>
/// One cache node: a <see cref="BoundedStore"/> pinned to its silo, heartbeating its metrics to
/// the coordinator. Partial files hold the rest: moving entries when the ring changes
/// (Transfers), hinted hand-off (Hints), anti-entropy with the other replicas (AntiEntropy), and
/// the invalidation feed to subscribers (Invalidations).
/// </summary>
[SiloPinnedPlacement]
[GrainDirectory(GrainDirectoryName = DistCacheSiloBuilderExtensions.NodeDirectory)] // Survives the death of the silo holding its entry (see AddDistCache).
[Immovable(ImmovableKind.Any)] // Its data exists only in this activation: Orleans must never migrate it.
[KeepAlive] // Idle collection would throw the data away.
// Every data method touches the store start to end without awaiting, so nothing interleaves inside one.
// The methods that await (transfers, anti-entropy, coordinating writes) touch it only within one turn between awaits.
[Reentrant]
internal sealed partial class NodeGrain(
    IOptions<DistCacheOptions> options,
    [FromKeyedServices(DistCacheSiloBuilderExtensions.ClockServiceKey)] TimeProvider time,
    IEnvironmentStatisticsProvider environment,
    IConflictResolver resolver,
    TopologyCache topology,
    NodeActivations activations,
    ReplicatedCache cache,
    LocalNodes localNodes,
    DataPortServer dataPort,
    ILogger<NodeGrain> logger) : Grain, INodeGrain, ILocalReplica
{
    private readonly DistCacheOptions _options = options.Value;
    private BoundedStore _store = null!;
    private NodeRegistration _registration = null!;
    private bool _inOutage;
    private bool _leaving;
    private bool _lostData;
    private long _directCalls;
    private long _directOperations;

    public string NodeId => _registration.NodeId;

    private ICoordinatorGrain Coordinator => GrainFactory.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var nodeId = this.GetPrimaryKeyString();
        _registration = new NodeRegistration(nodeId, NodeIds.SiloOf(nodeId).ToParsableString(), _options.NodeCapacityBytes, dataPort.Port);
        _store = new BoundedStore(_options.NodeCapacityBytes, _options.TombstoneRetention, time, resolver);
        _hints = new HintBook(_options.MaxHintsPerNode, _options.HintWindow);
        _feed = new InvalidationFeed(nodeId, _options.InvalidationSubscriptionExpiry, _options.InvalidationHeartbeatInterval, logger);
        _placedUnder = topology.Current;
        if (!activations.IsFirst(nodeId))
        {
            // This node already lived here and its store is gone. Leave the ring for good, so the
            // others re-replicate its keys, rather than answer "not found" for data it once held.
            _lostData = true;
            DistCacheLog.NodeLostData(logger, nodeId);
            await Coordinator.UnregisterNodeAsync(nodeId);
            return;
        }

        localNodes.Add(nodeId, this);
        this.RegisterGrainTimer(SendHeartbeatAsync, new GrainTimerCreationOptions(_options.HeartbeatInterval, _options.HeartbeatInterval));
        this.RegisterGrainTimer(SweepExpired, new GrainTimerCreationOptions(_options.ExpirationSweepInterval, _options.ExpirationSweepInterval));
        this.RegisterGrainTimer(FollowTopologyAsync, new GrainTimerCreationOptions(_options.TopologyRefreshInterval, _options.TopologyRefreshInterval));
        this.RegisterGrainTimer(DeliverHintsAsync, new GrainTimerCreationOptions(_options.TopologyRefreshInterval, _options.TopologyRefreshInterval));
        this.RegisterGrainTimer(RunAntiEntropyAsync, new GrainTimerCreationOptions(_options.AntiEntropyInterval, _options.AntiEntropyInterval));
        this.RegisterGrainTimer(FlushInvalidations, new GrainTimerCreationOptions(_options.InvalidationFlushInterval, _options.InvalidationFlushInterval));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Losing a node activation loses its store; this must be visible, whatever the cause.
        localNodes.Remove(NodeId, this);
        DistCacheLog.NodeDeactivated(logger, NodeId, _store.GetCounters().Items, reason.ToString());
        return Task.CompletedTask;
    }

    public async Task<NodeRegistration> StartAsync()
    {
        EnsureInService();
        await Coordinator.RegisterNodeAsync(_registration);
        return _registration;
    }

    public Task<NodeReadResult> GetAsync(string key)
    {
        EnsureInService();
        return Task.FromResult(_store.Get(key));
    }

    public Task<NodeWriteResult> SetAsync(string key, byte[] value, CacheVersion version, long expiresAtTicks, string[]? tags)
    {
        EnsureInService();
        return Task.FromResult(Changed(key, _store.Set(key, value, version, expiresAtTicks, tags)));
    }

    public Task<NodeWriteResult> RemoveAsync(string key, CacheVersion version)
    {
        EnsureInService();
        return Task.FromResult(Changed(key, _store.Remove(key, version)));
    }

    public Task<NodeOperationResult[]> ExecuteAsync(NodeOperation[] operations)
    {
        EnsureInService();
        var results = new NodeOperationResult[operations.Length];
        for (var i = 0; i < operations.Length; i++)
        {
            var operation = operations[i];
            try
            {
                results[i] = operation.Kind switch
                {
                    NodeOperationKind.Get => new NodeOperationResult(_store.Get(operation.Key), null),
                    NodeOperationKind.Set => new NodeOperationResult(null, Changed(operation.Key, _store.Set(
                        operation.Key, operation.Value ?? throw new ArgumentException($"The write to key '{operation.Key}' carries no value."), operation.Version, operation.ExpiresAtTicks, operation.Tags))),
                    NodeOperationKind.Remove => new NodeOperationResult(null, Changed(operation.Key, _store.Remove(operation.Key, operation.Version))),
                    _ => throw new ArgumentOutOfRangeException(nameof(operations), operation.Kind, "Unknown node operation."),
                };
            }
            catch (ArgumentException error)
            {
                results[i] = new NodeOperationResult(null, null, error);
            }
        }

        return Task.FromResult(results);
    }

    public Task<NodeServeReply> ServeAsync(ulong ring, string[] keys, bool[]? versionOnly, CacheOperation[] writes)
    {
        EnsureInService();
        _directCalls++;
        _directOperations += keys.Length + writes.Length;

        // This node's own part of each write is applied in place, in this turn (or, on a silo still fetching
        // its first topology, in the turn that resumes after it). The waits for the other replicas run off
        // this activation, which meanwhile serves other requests.
        var writing = writes.Length == 0 ? null : cache.ExecuteAsync(writes, local: this);
        var reads = Read(ring, keys, versionOnly);
        return writing is null ? Task.FromResult(new NodeServeReply(reads, []))
            : writing.IsCompletedSuccessfully ? Task.FromResult(new NodeServeReply(reads, writing.Result))
            : AfterWritesAsync(reads, writing);

        static async Task<NodeServeReply> AfterWritesAsync(NodeReadResult?[]? reads, Task<CacheOperationResult[]> writing) =>
            new(reads, await writing);
    }

    /// <summary>The client's direct reads: null when it routed with another ring, or for a miss while keys may be moving here.</summary>
    private NodeReadResult?[]? Read(ulong ring, string[] keys, bool[]? versionOnly)
    {
        if (keys.Length == 0)
        {
            return [];
        }

        // Same ring as the client routed with, or nothing; and no miss while keys may be on their way here.
        if (_transferring is not null || topology.Current is not { } current || current.Ring.Fingerprint != ring)
        {
            return null;
        }

        var results = new NodeReadResult?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var result = _store.Get(keys[i]);
            results[i] = result.Version.IsNone && current.InHandoff ? null
                : versionOnly?[i] == true && result.IsLive ? result with { Value = null, Tags = null }
                : result;
        }

        return results;
    }

    public Task<int> ImportAsync(IReadOnlyList<TransferEntry> entries)
    {
        EnsureInService();
        return Task.FromResult(Import(entries));
    }

    public Task<StoreCounters> GetCountersAsync() =>
        Task.FromResult(_store.GetCounters() with
        {
            Exported = _exported,
            Dropped = _dropped,
            HintsPending = _hints.Count,
            HintsDelivered = _hintsDelivered,
            AntiEntropyRounds = _antiEntropyRounds,
            AntiEntropyDigestBytes = _antiEntropyDigestBytes,
            AntiEntropyEntries = _antiEntropyEntries,
            DirectCalls = _directCalls,
            DirectOperations = _directOperations,
            PlacedRing = _placedUnder?.Ring.Fingerprint ?? 0,
        });

    public Task SimulateOutageAsync(bool inOutage)
    {
        if (_inOutage != inOutage)
        {
            DistCacheLog.NodeOutage(logger, NodeId, inOutage);
        }

        _inOutage = inOutage;
        return Task.CompletedTask;
    }

    private int Import(IReadOnlyList<TransferEntry> entries)
    {
        var applied = 0;
        foreach (var entry in entries)
        {
            if (_store.Import(entry))
            {
                applied++;
                _feed.KeyChanged(entry.Key);
            }
        }

        return applied;
    }

    private NodeWriteResult Changed(string key, NodeWriteResult result)
    {
        if (result.Applied)
        {
            _feed.KeyChanged(key);
        }

        return result;
    }

    private void EnsureInService()
    {
        if (_lostData)
        {
            throw new NodeUnavailableException($"Node '{NodeId}' lost its data when Orleans deactivated it, and has left the ring.");
        }

        if (_inOutage)
        {
            throw new NodeUnavailableException($"Node '{NodeId}' is in a simulated outage.");
        }

        if (_leaving)
        {
            throw new NodeUnavailableException($"Node '{NodeId}' is leaving the cluster.");
        }
    }

    private Task SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        if (_inOutage || _leaving || _lostData)
        {
            return Task.CompletedTask;
        }

        var stats = environment.GetEnvironmentStatistics();
        return Coordinator.HeartbeatAsync(new NodeHeartbeat(
            _registration,
            stats.FilteredCpuUsagePercentage,
            stats.FilteredMemoryUsageBytes,
            stats.FilteredAvailableMemoryBytes,
            _store.GetCounters() with { HintsPending = _hints.Count }));
    }

    private Task SweepExpired(CancellationToken cancellationToken)
    {
        _store.RemoveExpired();
        DropExpiredLeases();
        return Task.CompletedTask;
    }
}
