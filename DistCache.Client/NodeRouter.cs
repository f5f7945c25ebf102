using DistCache.Placement;

namespace DistCache.Client;

/// <summary>
/// Sends operations straight to the nodes that hold a key: one Orleans hop instead of two (client to
/// entry grain to node). It routes with the ring a silo publishes (<see cref="ICacheGrain.GetReadRoutingAsync"/>)
/// and batches per node: one batcher per node carries reads and writes alike, so a write does not cost a
/// message of its own.
/// <list type="bullet">
/// <item>Reads it answers only in the plain case: every node asked answered, vouched for its ring, and
/// (at Quorum and Strong) all hold the same version. Anything else (no routing yet, a failed or slow node,
/// a ring change, replicas that disagree, the odd Eventual read picked for read repair) is left to the
/// entry grain, which fails over, repairs and follows hand-offs.</item>
/// <item>Writes go to the key's primary, which coordinates them as the entry grain would
/// (<see cref="INodeGrain.ServeAsync"/>). When the primary refuses or cannot be reached, the
/// caller sends them through the entry grain.</item>
/// </list>
/// </summary>
internal sealed class NodeRouter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int MaxInFlightPerNode = 2;

    private readonly IGrainFactory _grains;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _writeTimeout;
    private readonly CancellationTokenSource _stop = new();
    private volatile Routes? _routes;
    private Task? _refreshLoop;
    private int _refreshing;
    private long _direct;
    private long _fellBack;
    private long _directWrites;
    private long _fellBackWrites;
    private long _abandoned;

    /// <param name="grains">The Orleans client's grain factory.</param>
    /// <param name="refreshInterval">How often to fetch the routing.</param>
    /// <param name="writeTimeout">The most a batch of writes may take: the client's operation timeout.</param>
    public NodeRouter(IGrainFactory grains, TimeSpan refreshInterval, TimeSpan writeTimeout) =>
        (_grains, _refreshInterval, _writeTimeout) = (grains, refreshInterval, writeTimeout);

    public NodeReadCounters Counters => new(Interlocked.Read(ref _direct), Interlocked.Read(ref _fellBack));

    public NodeWriteCounters WriteCounters => new(Interlocked.Read(ref _directWrites), Interlocked.Read(ref _fellBackWrites));

    /// <summary>How many direct operations a refresh failed over because the routing found a node Failed while they waited.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>
    /// Sends a set or remove to the key's primary node, or returns null when there is no routing yet. The
    /// task faults when the node refused or could not take the batch; per-operation errors are in its result.
    /// The caller reports the outcome to <see cref="CountWrite"/>.
    /// </summary>
    public Task<DirectReply>? TryWrite(CacheOperation operation)
    {
        if (_routes is not { } routes)
        {
            Start();
            return null;
        }

        return routes.Primary(operation.Key) is var primary and >= 0 ? routes.Nodes[primary].SendAsync(new DirectRequest(operation.Key, false, operation)) : null;
    }

    /// <summary>Counts a write: coordinated by the primary node, or sent through the entry grain.</summary>
    public void CountWrite(bool direct) => Interlocked.Increment(ref direct ? ref _directWrites : ref _fellBackWrites);

    /// <summary>
    /// Starts reading <paramref name="key"/> from its nodes, or returns null when the entry grain must read
    /// it. The read's result is what the nodes hold (a tombstone, or <see cref="NodeReadResult.Missing"/>),
    /// or null when they could not answer alike; a read that fails faults. Either way the caller reports
    /// the outcome to <see cref="Count"/>. Not async itself, so a plain read costs no state machine here.
    /// </summary>
    public Task<DirectReply>? TryRead(string key, ConsistencyLevel level)
    {
        if (_routes is not { } routes)
        {
            Start();
            return FellBack();
        }

        Span<int> replicas = stackalloc int[routes.MaxReplicas];
        replicas = replicas[..routes.Replicas(key, replicas)];
        if (replicas.Length == 0 || (level != ConsistencyLevel.Eventual && routes.Routing.InHandoff))
        {
            return FellBack();
        }

        if (level == ConsistencyLevel.Eventual && replicas.Length > 1 && Random.Shared.NextDouble() < routes.Routing.ReadRepairChance)
        {
            // The entry grain compares this key's replicas in the background now and then; keep that.
            return FellBack();
        }

        var asked = QuorumSize.Required(level, replicas.Length);
        var value = routes.Nodes[replicas[0]].SendAsync(new DirectRequest(key, false));
        if (asked == 1)
        {
            return value;
        }

        // The value from the primary, only the version from the others: values cross the network once.
        var versions = new Task<DirectReply>[asked - 1];
        for (var i = 1; i < asked; i++)
        {
            versions[i - 1] = routes.Nodes[replicas[i]].SendAsync(new DirectRequest(key, true));
        }

        return AgreedAsync(value, versions);
    }

    /// <summary>Counts a read started by <see cref="TryRead"/>: answered by the nodes, or left to the entry grain.</summary>
    public void Count(bool answered) => Interlocked.Increment(ref answered ? ref _direct : ref _fellBack);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_refreshLoop is not null)
        {
            await _refreshLoop;
        }
    }

    private Task<DirectReply>? FellBack()
    {
        Count(answered: false);
        return null;
    }

    /// <summary>The value read, if every replica asked holds its version; null if one does not.</summary>
    private static async Task<DirectReply> AgreedAsync(Task<DirectReply> value, Task<DirectReply>[] versions)
    {
        var first = (await value).Read;
        foreach (var version in await Task.WhenAll(versions))
        {
            first = first is not null && version.Read is not null && version.Read.Version == first.Version ? first : null;
        }

        return new DirectReply(first, null);
    }

    private void Start()
    {
        if (Interlocked.CompareExchange(ref _refreshLoop, Task.CompletedTask, null) is null)
        {
            _refreshLoop = Task.Run(RefreshLoopAsync);
        }
    }

    private async Task RefreshLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await RefreshAsync();
            try
            {
                await Task.Delay(_refreshInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fetches the routing; a node that refused a batch triggers this at once, concurrent triggers share one call.</summary>
    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            var routing = await _grains.GetGrain<ICacheGrain>(0).GetReadRoutingAsync().WaitAsync(_refreshInterval * 5, _stop.Token);
            if (_routes is { } current && current.RoutesLike(routing))
            {
                current.Routing = routing; // Same placement: keep the batchers, take the hand-off state.
            }
            else
            {
                // A ring built here that differs from the silo's (another hash, say) would misroute: read through the entry grain then.
                var routes = new Routes(routing, _grains, this);
                var previous = _routes;
                _routes = routes.MatchesSilo ? routes : null;

                // A silo that died took batches in flight with it, which will never be answered: their callers
                // fall back now rather than at their timeout, as do requests queued behind them.
                Interlocked.Add(ref _abandoned, previous?.AbandonIfAnyFailed(routing.Topology) ?? 0);
            }
        }
        catch (Exception)
        {
            // Unreachable, no nodes, or stopping: keep what we have. Reads that fail fall back anyway.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>One routing: the ring, and per node on it a batcher of its reads and writes.</summary>
    private sealed class Routes
    {
        private readonly HashRing _ring;
        private ReadRouting _routing;

        public Routes(ReadRouting routing, IGrainFactory grains, NodeRouter router)
        {
            _routing = routing;
            _ring = new HashRing(
                routing.Topology.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => new RingNode(n.NodeId, n.Silo)),
                routing.VirtualNodes);

            // A live primary answers writes within twice its replica call timeout (a replica call may wait that
            // long for its batch, then that long in flight); one that does not is likely gone, and the caller
            // sends the write through the entry grain in the rest of its operation timeout. Reads alone fail
            // over after the replica call timeout, as the entry grain's would; beside writes they wait as long.
            var deadline = TimeSpan.FromTicks(Math.Min(router._writeTimeout.Ticks, 2 * routing.ReplicaCallTimeout.Ticks));
            Nodes = _ring.Nodes.Select(n => grains.GetGrain<INodeGrain>(n.NodeId)).Select(node => new AutoBatcher<DirectRequest, DirectReply>(
                requests => ServeAsync(node, requests, router), MaxBatch, MaxInFlightPerNode, deadline,
                requests => Array.Exists(requests, r => r.Write is not null) ? deadline : routing.ReplicaCallTimeout)).ToArray();
        }

        public ReadRouting Routing { get => Volatile.Read(ref _routing); set => Volatile.Write(ref _routing, value); }

        /// <summary>Per node on the ring: its reads and writes, batched.</summary>
        public AutoBatcher<DirectRequest, DirectReply>[] Nodes { get; }

        /// <summary>
        /// Fails everything waiting on these batchers when <paramref name="topology"/> marks one of their nodes
        /// failed or no longer lists it. Not only that node's: a batch to a live node may have gone through the
        /// dead silo's gateway, and Orleans does not fail a request lost with the gateway that carried it.
        /// </summary>
        /// <returns>How many operations it failed.</returns>
        public int AbandonIfAnyFailed(TopologySnapshot topology)
        {
            var live = topology.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => n.NodeId).ToHashSet();
            if (_ring.Nodes.Select(n => n.NodeId).FirstOrDefault(id => !live.Contains(id)) is not { } failed)
            {
                return 0;
            }

            var gone = new NodeUnavailableException($"Node {failed} failed while the operation waited; it may have gone to or through that node's silo.");
            return Nodes.Sum(node => node.Abandon(gone));
        }

        /// <summary>Whether <paramref name="routing"/> places keys and batches operations as this does (so the batchers can stay).</summary>
        public bool RoutesLike(ReadRouting routing) =>
            routing.RingFingerprint == Routing.RingFingerprint && routing.ReplicationFactor == Routing.ReplicationFactor
            && routing.ReadRepairChance == Routing.ReadRepairChance && routing.ReplicaCallTimeout == Routing.ReplicaCallTimeout;

        /// <summary>The most replicas a key has here.</summary>
        public int MaxReplicas => Math.Min(Routing.ReplicationFactor, Nodes.Length);

        /// <summary>Whether the ring built here is the one the silo routes with.</summary>
        public bool MatchesSilo => _ring.Fingerprint == Routing.RingFingerprint;

        /// <summary>Writes the indexes into <see cref="Nodes"/> of the key's replicas, primary first, and returns how many.</summary>
        public int Replicas(string key, Span<int> into) => _ring.GetReplicas(key, Routing.ReplicationFactor, into);

        /// <summary>The index into <see cref="Nodes"/> of the key's primary, or -1 when the ring is empty.</summary>
        public int Primary(string key)
        {
            Span<int> primary = stackalloc int[1];
            return _ring.GetReplicas(key, 1, primary) == 1 ? primary[0] : -1;
        }

        private async Task<DirectReply[]> ServeAsync(INodeGrain node, DirectRequest[] requests, NodeRouter router)
        {
            var writeCount = 0;
            foreach (var request in requests)
            {
                writeCount += request.Write is null ? 0 : 1;
            }

            var keys = new string[requests.Length - writeCount];
            var versionOnly = new bool[keys.Length];
            var writes = new CacheOperation[writeCount];
            var (r, w) = (0, 0);
            foreach (var request in requests)
            {
                if (request.Write is { } write)
                {
                    writes[w++] = write;
                }
                else
                {
                    (keys[r], versionOnly[r]) = (request.Key, request.VersionOnly);
                    r++;
                }
            }

            var reply = await node.ServeAsync(Routing.RingFingerprint, keys, versionOnly, writes);
            if (reply.Reads is null && keys.Length > 0)
            {
                // The node's silo routes with another ring: learn it now. Meanwhile these reads fall back.
                _ = router.RefreshAsync();
            }

            // Back in request order; a node that could not vouch for its reads answered none of them (null).
            var replies = new DirectReply[requests.Length];
            (r, w) = (0, 0);
            for (var i = 0; i < requests.Length; i++)
            {
                replies[i] = requests[i].Write is null ? new DirectReply(reply.Reads?[r++], null) : new DirectReply(null, reply.Writes[w++]);
            }

            return replies;
        }
    }
}
