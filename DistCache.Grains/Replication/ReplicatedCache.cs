using DistCache.Hosting;
using DistCache.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistCache.Replication;

/// <summary>
/// The data path of one silo: routes each operation to the key's replicas from the cached topology,
/// fans writes out and completes them at the consistency level asked for, and fails reads over.
/// Every replica call has its own deadline, so a dead node costs at most that long. Reads repair the
/// stale replicas they see; a replica that misses a write gets it later from a hint.
/// </summary>
internal sealed class ReplicatedCache(
    TopologyCache topology,
    HybridLogicalClock clock,
    DataPathMetrics metrics,
    IConflictResolver resolver,
    NodeBatchers nodes,
    IOptions<DistCacheOptions> options,
    [FromKeyedServices(DistCacheSiloBuilderExtensions.ClockServiceKey)] TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<ReplicatedCache> logger)
{
    private readonly DistCacheOptions _options = options.Value;
    private readonly int _writerId = KeyHash.Int32Of(silo.SiloAddress.ToParsableString());

    public async Task<CacheItem?> GetAsync(string key, ConsistencyLevel level)
    {
        CacheLimits.ValidateKey(key);
        CacheLimits.ValidateConsistency(level);
        try
        {
            var view = await topology.GetAsync();
            var replicas = view.Route(key, _options.ReplicationFactor);
            var result = level == ConsistencyLevel.Eventual
                ? await ReadInOrderAsync(key, replicas, view)
                : await ReadNewestAsync(key, replicas, level, view);
            metrics.Read(result.IsLive);
            return result.ToItem();
        }
        catch (DistCacheException)
        {
            metrics.Failure();
            throw;
        }
    }

    public async Task<CacheVersion> SetAsync(string key, byte[] value, TimeSpan? timeToLive, ConsistencyLevel level, string[]? tags, ILocalReplica? local = null)
    {
        CacheLimits.ValidateKey(key);
        CacheLimits.ValidateValue(key, value, _options.MaxValueBytes);
        CacheLimits.ValidateTimeToLive(timeToLive);
        CacheLimits.ValidateConsistency(level);
        CacheLimits.ValidateTags(tags);
        tags = tags is { Length: > 0 } ? tags.Distinct(StringComparer.Ordinal).ToArray() : null;
        var expiresAt = timeToLive is { } ttl ? (time.GetUtcNow() + ttl).UtcTicks : 0;
        var version = await ReplicateAsync("write", key, level, (node, v) => local?.NodeId == node.NodeId
            ? local.SetAsync(key, value, v, expiresAt, tags)
            : nodes.SetAsync(node, key, value, v, expiresAt, tags)).ConfigureAwait(false);
        metrics.Write();
        return version;
    }

    public async Task<CacheVersion> RemoveAsync(string key, ConsistencyLevel level, ILocalReplica? local = null)
    {
        CacheLimits.ValidateKey(key);
        CacheLimits.ValidateConsistency(level);
        var version = await ReplicateAsync("remove", key, level, (node, v) => local?.NodeId == node.NodeId
            ? local.RemoveAsync(key, v)
            : nodes.RemoveAsync(node, key, v)).ConfigureAwait(false);
        metrics.Remove();
        return version;
    }

    /// <summary>
    /// Runs a client's batch: every operation concurrently, each failing on its own. A node that coordinates
    /// the batch (<see cref="INodeGrain.ServeAsync"/>) passes itself as <paramref name="local"/>.
    /// </summary>
    public async Task<CacheOperationResult[]> ExecuteAsync(CacheOperation[] operations, ILocalReplica? local = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var results = new Task<CacheOperationResult>[operations.Length];
        for (var i = 0; i < operations.Length; i++)
        {
            results[i] = RunAsync(operations[i], local);
        }

        return await Task.WhenAll(results).ConfigureAwait(false);
    }

    public async Task<TagInvalidation> InvalidateTagAsync(string tag, long observed)
    {
        CacheLimits.ValidateTag(tag);
        clock.Observe(observed);
        var version = new CacheVersion(clock.Next(), _writerId);
        var (_, calls) = await CallEveryNodeAsync(node => node.InvalidateTagAsync(tag, version));
        var reached = calls.Where(c => c.IsCompletedSuccessfully).ToArray();
        return new TagInvalidation(tag, version, reached.Sum(c => c.Result), reached.Length, calls.Length - reached.Length);
    }

    public async Task<IReadOnlyList<InvalidationCursor>> SubscribeAsync(ICacheInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);

        // A node that does not answer is left out; the subscriber hears nothing from it and knows.
        var (targets, calls) = await CallEveryNodeAsync(node => node.SubscribeAsync(observer));
        var cursors = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToArray();
        return cursors.Length > 0 ? cursors : throw new AllReplicasFailedException("Subscribe", targets.Count, calls[0].Exception?.InnerException);
    }

    public async Task<FillLease> AcquireFillLeaseAsync(string key, Guid owner, TimeSpan duration)
    {
        CacheLimits.ValidateKey(key);
        CacheLimits.ValidateFillLease(duration);
        Exception? firstError = null;
        var replicas = await RouteAsync(key);

        // The primary decides; if it is down, the next replica does, so fills never stall on a dead node.
        foreach (var replica in replicas)
        {
            try
            {
                return await WithDeadline(replica.Grain.AcquireFillLeaseAsync(key, owner, duration));
            }
            catch (Exception error) when (error is not ArgumentException)
            {
                firstError ??= error;
            }
        }

        throw new AllReplicasFailedException("Fill lease", replicas.Length, firstError);
    }

    public async Task ReleaseFillLeaseAsync(string key, Guid owner)
    {
        CacheLimits.ValidateKey(key);
        foreach (var replica in await RouteAsync(key))
        {
            _ = replica.Grain.ReleaseFillLeaseAsync(key, owner);
        }
    }

    public async Task<ReadRouting> GetReadRoutingAsync()
    {
        var view = await topology.GetAsync();
        view.AllTargets(); // No nodes: the client has nothing to read from either.
        return new ReadRouting(view.Snapshot, _options.ReplicationFactor, _options.VirtualNodesPerNode, view.Ring.Fingerprint, _options.ReadRepairChance, _options.ReplicaCallTimeout, view.InHandoff);
    }

    public async Task<IReadOnlyList<string>> GetReplicasAsync(string key)
    {
        CacheLimits.ValidateKey(key);
        return Array.ConvertAll(await RouteAsync(key), r => r.NodeId);
    }

    private async Task<CacheOperationResult> RunAsync(CacheOperation operation, ILocalReplica? local)
    {
        clock.Observe(operation.Observed);
        try
        {
            return operation.Kind switch
            {
                NodeOperationKind.Get => new CacheOperationResult(await GetAsync(operation.Key, operation.Level), default),
                NodeOperationKind.Set => new CacheOperationResult(null, await SetAsync(
                    operation.Key, operation.Value!, operation.TimeToLive, operation.Level, operation.Tags, local).ConfigureAwait(false)),
                NodeOperationKind.Remove => new CacheOperationResult(null, await RemoveAsync(operation.Key, operation.Level, local).ConfigureAwait(false)),
                _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown cache operation."),
            };
        }
        catch (Exception error)
        {
            return new CacheOperationResult(null, default, error);
        }
    }

    private async ValueTask<NodeTarget[]> RouteAsync(string key) => (await topology.GetAsync()).Route(key, _options.ReplicationFactor);

    /// <summary>
    /// Primary first; on failure the next replica, in ring order. A miss is an answer, except from a
    /// node that became an owner in the latest ring change and may not have received the key yet.
    /// </summary>
    private async Task<NodeReadResult> ReadInOrderAsync(string key, NodeTarget[] replicas, TopologyView view)
    {
        Exception? firstError = null;
        var answered = false;
        for (var index = 0; index < replicas.Length; index++)
        {
            var replica = replicas[index];
            NodeReadResult result;
            try
            {
                result = await ReadCallAsync(replica, key);
            }
            catch (Exception error)
            {
                firstError ??= error;
                continue;
            }

            answered = true;
            if (result.Version.IsNone && view.InHandoff && !view.OwnedBefore(key, replica.NodeId, _options.ReplicationFactor))
            {
                continue;
            }

            // Replicas passed over (failed, or missing the key) are likely stale; others, by chance.
            if (replicas.Length > 1 && (index > 0 || (_options.ReadRepairChance > 0 && Random.Shared.NextDouble() < _options.ReadRepairChance)))
            {
                _ = RepairWhenAnsweredAsync(key, replicas, [.. replicas.Select(r => ReadQuietlyAsync(r, key))]);
            }

            return Observe(result);
        }

        if (view.InHandoff && await ReadPreviousOwnersAsync(key, view) is { } moved)
        {
            return moved;
        }

        return answered ? NodeReadResult.Missing : throw new AllReplicasFailedException("Eventual read", replicas.Length, firstError);
    }

    /// <summary>
    /// Asks as many replicas as the level needs (primary first), and the others only if some of those
    /// fail; returns the newest answer. During a hand-off it asks every replica at once, since a new
    /// owner's miss proves nothing.
    /// </summary>
    private async Task<NodeReadResult> ReadNewestAsync(string key, NodeTarget[] replicas, ConsistencyLevel level, TopologyView view)
    {
        var required = QuorumSize.Required(level, replicas.Length);
        var asked = view.InHandoff ? replicas.Length : required;
        var calls = new Task<NodeReadResult>[asked];
        for (var i = 0; i < asked; i++)
        {
            calls[i] = ReadCallAsync(replicas[i], key);
        }

        var outcome = await Quorum.WhenAsync(calls, required);
        if (!outcome.Reached && asked < replicas.Length)
        {
            // Some failed: the remaining replicas may still make up the quorum.
            calls = [.. calls, .. replicas[asked..].Select(r => ReadCallAsync(r, key))];
            outcome = await Quorum.WhenAsync(calls, required);
        }

        if (!outcome.Reached)
        {
            throw Failed("read", level, required, replicas.Length, outcome);
        }

        var newest = Winner(key, outcome.Results);
        if (newest.Version.IsNone && view.InHandoff)
        {
            // The first answers may all come from owners the key has not reached yet: a miss is final
            // only once every owner, and every previous owner, has answered.
            var all = await Task.WhenAll(calls.Select(c => c.ContinueWith(
                static t => t.IsCompletedSuccessfully ? t.Result : NodeReadResult.Missing, TaskScheduler.Default)));
            newest = Winner(key, all);
            if (newest.Version.IsNone && await ReadPreviousOwnersAsync(key, view) is { } moved)
            {
                await RepairAsync(key, replicas, calls, moved);
                return moved;
            }
        }

        await RepairAsync(key, replicas, calls, newest);
        return Observe(newest);
    }

    /// <summary>
    /// Read repair: writes <paramref name="winner"/> back to the replicas whose answer differs from it,
    /// before the read returns, so the next read anywhere sees it. Answers still outstanding are compared
    /// when they arrive, in the background.
    /// </summary>
    private async Task RepairAsync(string key, NodeTarget[] replicas, Task<NodeReadResult>[] calls, NodeReadResult winner)
    {
        List<Task<bool>>? repairs = null;
        var late = false;
        for (var i = 0; i < calls.Length; i++)
        {
            if (!calls[i].IsCompleted)
            {
                late = true;
            }
            else if (!winner.Version.IsNone && calls[i].IsCompletedSuccessfully && calls[i].Result.Version != winner.Version)
            {
                (repairs ??= []).Add(RepairCallAsync(key, replicas[i], winner));
            }
        }

        if (late)
        {
            _ = RepairWhenAnsweredAsync(key, replicas, calls);
        }

        if (repairs is not null)
        {
            var repaired = (await Task.WhenAll(repairs)).Count(ok => ok);
            DistCacheLog.ReadRepaired(logger, key, repaired);
        }
    }

    /// <summary>Background read repair: once every call has answered (or failed), repairs those that differ from the winner of all.</summary>
    private async Task RepairWhenAnsweredAsync(string key, NodeTarget[] replicas, Task<NodeReadResult>[] calls)
    {
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception)
        {
            // Failed calls are left out below; their failure was counted where it happened.
        }

        var answers = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToArray();
        if (answers.Length > 0)
        {
            await RepairAsync(key, replicas, calls, Winner(key, answers));
        }
    }

    private async Task<bool> RepairCallAsync(string key, NodeTarget replica, NodeReadResult winner)
    {
        try
        {
            await WithDeadline(replica.Grain.ImportAsync([new TransferEntry(key, winner.Value, winner.Version, winner.ExpiresAtTicks) { Tags = winner.Tags }]));
            metrics.ReadRepairs(1);
            return true;
        }
        catch (Exception error)
        {
            DistCacheLog.ReplicaWriteFailed(logger, replica.NodeId, Describe(error));
            return false;
        }
    }

    /// <summary>A read for background repair: its failures are not failovers of a client read, so they are not counted as such.</summary>
    private Task<NodeReadResult> ReadQuietlyAsync(NodeTarget replica, string key) => nodes.GetAsync(replica, key);

    /// <summary>The newest answer of the key's previous owners that no longer own it, or null if none has it.</summary>
    private async Task<NodeReadResult?> ReadPreviousOwnersAsync(string key, TopologyView view)
    {
        var owners = view.PreviousOnlyOwners(key, _options.ReplicationFactor);
        if (owners.Count == 0)
        {
            return null;
        }

        var answers = await Task.WhenAll(owners.Select(async owner =>
        {
            try
            {
                return await WithDeadline(owner.Grain.GetAsync(key));
            }
            catch (Exception error)
            {
                DistCacheLog.ReplicaReadFailed(logger, owner.NodeId, Describe(error));
                return NodeReadResult.Missing;
            }
        }));
        var newest = Winner(key, answers);
        return newest.Version.IsNone ? null : Observe(newest);
    }

    /// <summary>The answer every replica would converge to: causally newest, concurrent ones resolved (their versions merged).</summary>
    private NodeReadResult Winner(string key, IReadOnlyList<NodeReadResult> results)
    {
        var best = NodeReadResult.Missing;
        foreach (var result in results)
        {
            var (survivor, incomingWins, _) = Reconcile.Pick(Candidate(key, best), Candidate(key, result), resolver);
            var source = incomingWins ? result : best;
            best = survivor.Version == source.Version ? source : source with { Version = survivor.Version };
        }

        return best;
    }

    private static ConflictCandidate Candidate(string key, NodeReadResult result) => new(key, result.Value, result.Version, result.ExpiresAtTicks);

    private async Task<NodeReadResult> ReadCallAsync(NodeTarget replica, string key)
    {
        try
        {
            // Batched: the batcher bounds the wait by the replica call timeout.
            return await nodes.GetAsync(replica, key);
        }
        catch (Exception error)
        {
            metrics.Failover(replica.NodeId);
            DistCacheLog.ReplicaReadFailed(logger, replica.NodeId, Describe(error));
            throw;
        }
    }

    /// <summary>
    /// Stamps a write and sends it to the key's replicas, completing at <paramref name="level"/>. Replicas
    /// that fail (stragglers too) are counted, logged, and left hints by the key's other replicas.
    /// </summary>
    private async Task<CacheVersion> ReplicateAsync(
        string operation, string key, ConsistencyLevel level, Func<NodeTarget, CacheVersion, Task<NodeWriteResult>> send)
    {
        try
        {
            // In the caller's context: a coordinating node applies its own part below, in its own turn. From
            // there on (ConfigureAwait(false)) nothing touches grain state, so the waits for replica acks do
            // not queue on the coordinating node's activation, behind the reads it serves.
            var replicas = await RouteAsync(key);
            var version = new CacheVersion(clock.Next(), _writerId);
            var calls = new Task<NodeWriteResult>[replicas.Length];
            for (var i = 0; i < replicas.Length; i++)
            {
                calls[i] = Started(send, replicas[i], version);
            }

            var eventual = level == ConsistencyLevel.Eventual;
            var required = eventual ? 1 : QuorumSize.Required(level, replicas.Length);

            // Eventual: acknowledged by the primary; when the primary fails, by the first replica that has it.
            // Quorum and Strong: the acks must span silos too, as a majority on one silo would not survive it.
            var outcome = await Quorum.WhenAsync(
                calls, required, eventual ? null : Array.ConvertAll(replicas, r => r.Silo), firstPreferred: eventual,
                onFailure: (index, error) => ReplicaWriteFailed(key, replicas, index, error)).ConfigureAwait(false);
            if (!outcome.Reached)
            {
                throw eventual
                    ? new AllReplicasFailedException($"Eventual {operation}", replicas.Length, outcome.FirstError)
                    : Failed(operation, level, required, replicas.Length, outcome);
            }

            foreach (var ack in outcome.Results)
            {
                clock.Observe(ack.Current.Timestamp);
            }

            return version;
        }
        catch (DistCacheException)
        {
            metrics.Failure();
            throw;
        }
    }

    private void ReplicaWriteFailed(string key, NodeTarget[] replicas, int index, Exception error)
    {
        var replica = replicas[index];
        metrics.ReplicationFailure(replica.NodeId);
        DistCacheLog.ReplicaWriteFailed(logger, replica.NodeId, Describe(error));

        // Hinted hand-off: the key's other replicas will copy it over once this one answers again.
        foreach (var other in replicas)
        {
            if (other.NodeId != replica.NodeId)
            {
                _ = other.Grain.AddHintsAsync(replica.NodeId, [key]);
            }
        }

        metrics.HintRequested();
    }

    /// <summary>Starts one replica's write; a replica that refuses at once (a local one out of service) fails its call, not the round.</summary>
    private static Task<NodeWriteResult> Started(Func<NodeTarget, CacheVersion, Task<NodeWriteResult>> send, NodeTarget replica, CacheVersion version)
    {
        try
        {
            return send(replica, version);
        }
        catch (Exception error)
        {
            return Task.FromException<NodeWriteResult>(error);
        }
    }

    /// <summary>Calls every node on the ring at once, each within its deadline, and returns every call once all have ended.</summary>
    private async Task<(IReadOnlyList<NodeTarget> Targets, Task<T>[] Calls)> CallEveryNodeAsync<T>(Func<INodeGrain, Task<T>> call)
    {
        var targets = (await topology.GetAsync()).AllTargets();
        var calls = targets.Select(node => WithDeadline(call(node.Grain))).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception)
        {
            // The caller reads each call's outcome: a node that failed leaves the others' results standing.
        }

        return (targets, calls);
    }

    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";

    private Task<T> WithDeadline<T>(Task<T> call) => call.WaitAsync(_options.ReplicaCallTimeout);

    private NodeReadResult Observe(NodeReadResult result)
    {
        clock.Observe(result.Version.Timestamp);
        return result;
    }

    private static DistCacheException Failed<T>(string operation, ConsistencyLevel level, int required, int replicas, QuorumOutcome<T> outcome) =>
        outcome.Results.Count == 0
            ? new AllReplicasFailedException($"{level} {operation}", replicas, outcome.FirstError)
            : outcome.Results.Count >= required
                ? new QuorumNotReachedException(
                    $"{level} {operation} got {outcome.Results.Count} of {replicas} replica acks, but all on fewer than the {outcome.RequiredSilos} silos it must span to survive the loss of a silo.")
                : new QuorumNotReachedException(operation, level, required, outcome.Results.Count, replicas, outcome.FirstError);
}
