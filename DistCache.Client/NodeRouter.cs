using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using DistCache.DataPort;
using DistCache.Placement;
using Orleans.Serialization;

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
    private const int MaxBatch = DataPortFrame.MaxOperations;
    private const int MaxInFlight = 2;

    private readonly IGrainFactory _grains;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _writeTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Serializer? _serializer;
    private readonly Action _pathLost;
    private readonly ConcurrentDictionary<IPEndPoint, DataPortChannel> _channels = new();
    private readonly DataPortTally _dataPort = new();
    private volatile Routes? _routes;
    private Task? _refreshLoop;
    private int _refreshing;
    private long _direct;
    private long _fellBack;
    private long _rerouted;
    private long _directWrites;
    private long _fellBackWrites;
    private long _abandoned;

    /// <param name="grains">The Orleans client's grain factory.</param>
    /// <param name="refreshInterval">How often to fetch the routing.</param>
    /// <param name="writeTimeout">The most a batch of writes may take: the client's operation timeout.</param>
    /// <param name="serializer">Orleans' serializer, to talk to the silos' data ports; null to make every call an Orleans grain call.</param>
    /// <param name="pathLost">
    /// Called when a silo may have just died: a batch failed at once (its data port connection dropped or was
    /// refused, or Orleans rejected its call), or the routing found a node Failed. Calls in flight through that
    /// silo's gateway are then lost, and Orleans does not fail them before its response timeout.
    /// </param>
    public NodeRouter(IGrainFactory grains, TimeSpan refreshInterval, TimeSpan writeTimeout, Serializer? serializer, Action pathLost) =>
        (_grains, _refreshInterval, _writeTimeout, _serializer, _pathLost) = (grains, refreshInterval, writeTimeout, serializer, pathLost);

    public NodeReadCounters Counters => new(Interlocked.Read(ref _direct), Interlocked.Read(ref _fellBack), Interlocked.Read(ref _rerouted));

    public DataPortCounters DataPortCounters => _dataPort.Read();

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

        // A primary that just failed a call is likely gone: the entry grain completes the write on the other replicas.
        return routes.Primary(operation.Key) is var primary and >= 0 && !routes.Avoided(primary)
            ? routes.Nodes[primary].SendAsync(new DirectRequest(primary, operation.Key, false, operation))
            : null;
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

        // Asked of all the key's replicas, then sent to those that did not just fail a call, if enough are left:
        // any majority of them holds every Quorum write, as the entry grain's failover to the others relies on.
        var asked = QuorumSize.Required(level, replicas.Length);
        var reachable = routes.Reachable(replicas);
        if (reachable.Length < asked)
        {
            return FellBack();
        }

        if (reachable.Length < replicas.Length)
        {
            Interlocked.Increment(ref _rerouted);
        }

        replicas = reachable;
        var value = routes.Nodes[replicas[0]].SendAsync(new DirectRequest(replicas[0], key, false));
        if (asked == 1)
        {
            return value;
        }

        // The value from the first replica asked, only the version from the others: values cross the network once.
        var versions = new Task<DirectReply>[asked - 1];
        for (var i = 1; i < asked; i++)
        {
            versions[i - 1] = routes.Nodes[replicas[i]].SendAsync(new DirectRequest(replicas[i], key, true));
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

        foreach (var channel in _channels.Values)
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>The channel to the data port at <paramref name="endpoint"/>, shared by every routing that uses it.</summary>
    private DataPortChannel Channel(IPEndPoint endpoint, TimeSpan connectTimeout) =>
        _channels.GetOrAdd(endpoint, e => new DataPortChannel(e, _serializer!, connectTimeout, _dataPort));

    /// <summary>
    /// Closes the channels to silos <paramref name="routes"/> no longer sends to: their nodes failed or left, and a
    /// connection to a machine that vanished would otherwise stay open, and its unanswered calls listed, for good.
    /// </summary>
    private void CloseChannelsNotIn(Routes routes)
    {
        foreach (var (endpoint, channel) in _channels)
        {
            if (!routes.Endpoints.Contains(endpoint) && _channels.TryRemove(new KeyValuePair<IPEndPoint, DataPortChannel>(endpoint, channel)))
            {
                _ = channel.DisposeAsync().AsTask();
            }
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
                if (previous?.AbandonIfAnyFailed(routing.Topology) is { } abandoned)
                {
                    Interlocked.Add(ref _abandoned, abandoned);
                    _pathLost();
                }

                CloseChannelsNotIn(routes);
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
        /// <summary>
        /// How long reads go around a node after a call to it failed at once (its silo's connection dropped or was
        /// refused, or it refused the batch). Then one batch tries it again; the routing drops it if it is gone.
        /// </summary>
        private static readonly TimeSpan AvoidFor = TimeSpan.FromSeconds(1);

        private readonly HashRing _ring;
        private readonly long[] _failedAt;
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
            AutoBatcher<DirectRequest, DirectReply> Batcher(Func<ulong, NodeBatch[], Task<DataPortReply>> send) => new(
                requests => ServeAsync(requests, send, router), MaxBatch, MaxInFlight, deadline,
                requests => Array.Exists(requests, r => r.Write is not null) ? deadline : routing.ReplicaCallTimeout,
                reply => reply.Failure);

            // Over a silo's data port, one batcher (one frame at a time) carries the operations for all of its nodes;
            // as grain calls, each node has its own.
            var dataPorts = routing.Topology.Nodes.ToDictionary(n => n.NodeId, n => n.DataPort, StringComparer.Ordinal);
            var silos = new Dictionary<IPEndPoint, AutoBatcher<DirectRequest, DirectReply>>();
            Nodes = _ring.Nodes.Select(n =>
            {
                if (router._serializer is null || dataPorts.GetValueOrDefault(n.NodeId) is not (> 0 and var port))
                {
                    var node = grains.GetGrain<INodeGrain>(n.NodeId);
                    return Batcher(async (ring, batches) => new DataPortReply([await node.ServeAsync(ring, batches[0].Keys, batches[0].VersionOnly, batches[0].Writes)], [null]));
                }

                var endpoint = new IPEndPoint(NodeIds.SiloOf(n.NodeId).Endpoint.Address, port);
                if (!silos.TryGetValue(endpoint, out var batcher))
                {
                    var channel = router.Channel(endpoint, deadline);
                    silos[endpoint] = batcher = Batcher((ring, batches) => channel.ServeAsync(new DataPortRequest(ring, batches)));
                }

                return batcher;
            }).ToArray();
            Endpoints = silos.Keys.ToHashSet();
            _failedAt = new long[Nodes.Length];
        }

        /// <summary>The data ports this routing sends to.</summary>
        public HashSet<IPEndPoint> Endpoints { get; }

        public ReadRouting Routing { get => Volatile.Read(ref _routing); set => Volatile.Write(ref _routing, value); }

        /// <summary>Per node on the ring: its reads and writes, batched.</summary>
        public AutoBatcher<DirectRequest, DirectReply>[] Nodes { get; }

        /// <summary>
        /// Fails everything waiting on these batchers when <paramref name="topology"/> marks one of their nodes
        /// failed or no longer lists it. Not only that node's: a batch to a live node may have gone through the
        /// dead silo's gateway, and Orleans does not fail a request lost with the gateway that carried it.
        /// </summary>
        /// <returns>How many operations it failed, or null when none of its nodes failed.</returns>
        public int? AbandonIfAnyFailed(TopologySnapshot topology)
        {
            var live = topology.Nodes.Where(n => n.Status != NodeStatus.Failed).Select(n => n.NodeId).ToHashSet();
            if (_ring.Nodes.Select(n => n.NodeId).FirstOrDefault(id => !live.Contains(id)) is not { } failed)
            {
                return null;
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

        /// <summary>Whether node <paramref name="node"/> failed a call within <see cref="AvoidFor"/>.</summary>
        public bool Avoided(int node) => Volatile.Read(ref _failedAt[node]) is var at and not 0 && Stopwatch.GetElapsedTime(at) < AvoidFor;

        /// <summary>Moves the replicas not <see cref="Avoided"/> to the front, in order, and returns them.</summary>
        public Span<int> Reachable(Span<int> replicas)
        {
            var kept = 0;
            foreach (var replica in replicas)
            {
                if (!Avoided(replica))
                {
                    replicas[kept++] = replica;
                }
            }

            return replicas[..kept];
        }

        /// <summary>The index into <see cref="Nodes"/> of the key's primary, or -1 when the ring is empty.</summary>
        public int Primary(string key)
        {
            Span<int> primary = stackalloc int[1];
            return _ring.GetReplicas(key, 1, primary) == 1 ? primary[0] : -1;
        }

        /// <summary>Sends a batch, grouped by node in order of first appearance, and hands each request its node's answer.</summary>
        private async Task<DirectReply[]> ServeAsync(DirectRequest[] requests, Func<ulong, NodeBatch[], Task<DataPortReply>> send, NodeRouter router)
        {
            var groups = new List<(int Node, List<int> Requests)>(1);
            for (var i = 0; i < requests.Length; i++)
            {
                var group = groups.Count - 1;
                while (group >= 0 && groups[group].Node != requests[i].Node)
                {
                    group--;
                }

                if (group < 0)
                {
                    groups.Add((requests[i].Node, []));
                    group = groups.Count - 1;
                }

                groups[group].Requests.Add(i);
            }

            var batches = groups.Select(g => Batch(_ring.Nodes[g.Node].NodeId, requests, g.Requests)).ToArray();
            DataPortReply reply;
            try
            {
                reply = await send(Routing.RingFingerprint, batches);
            }
            catch (Exception error) when (error is NodeUnavailableException or OrleansException)
            {
                // The silo's connection dropped or was refused, or a node refused its grain call: avoid them for now.
                groups.ForEach(g => Failed(g.Node));
                router._pathLost();
                throw;
            }

            var replies = new DirectReply[requests.Length];
            for (var g = 0; g < groups.Count; g++)
            {
                if (reply.Errors[g] is { } error || reply.Replies[g] is not { } served)
                {
                    Failed(groups[g].Node);
                    var failure = new NodeUnavailableException(reply.Errors[g] ?? $"Node {batches[g].NodeId} did not answer.");
                    groups[g].Requests.ForEach(i => replies[i] = new DirectReply(null, null, failure));
                    continue;
                }

                if (served.Reads is null && batches[g].Keys.Length > 0)
                {
                    // The node's silo routes with another ring: learn it now. Meanwhile these reads fall back.
                    _ = router.RefreshAsync();
                }

                // Back in request order; a node that could not vouch for its reads answered none of them (null).
                var (r, w) = (0, 0);
                foreach (var i in groups[g].Requests)
                {
                    replies[i] = requests[i].Write is null ? new DirectReply(served.Reads?[r++], null) : new DirectReply(null, served.Writes[w++]);
                }
            }

            return replies;
        }

        private void Failed(int node) => Volatile.Write(ref _failedAt[node], Stopwatch.GetTimestamp());

        /// <summary>One node's part of a batch: its reads (keys, and whether each wants only the version) and its writes.</summary>
        private static NodeBatch Batch(string nodeId, DirectRequest[] requests, List<int> mine)
        {
            var writeCount = 0;
            foreach (var i in mine)
            {
                writeCount += requests[i].Write is null ? 0 : 1;
            }

            var keys = new string[mine.Count - writeCount];
            var versionOnly = new bool[keys.Length];
            var writes = new CacheOperation[writeCount];
            var (r, w) = (0, 0);
            foreach (var i in mine)
            {
                if (requests[i].Write is { } write)
                {
                    writes[w++] = write;
                }
                else
                {
                    (keys[r], versionOnly[r]) = (requests[i].Key, requests[i].VersionOnly);
                    r++;
                }
            }

            return new NodeBatch(nodeId, keys, versionOnly, writes);
        }
    }
}
