using System.Diagnostics;
using DistCache.Placement;
using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// Moving entries when the ring changes. Each node compares the ring its data was placed under with
/// the current one and copies what <see cref="TransferPlanner"/> says: that restores the replication
/// factor after a failure, fills a node that joined, and empties one that left. Copies are versioned
/// writes, so repeating one is harmless and a copy never overwrites a newer value.
/// </summary>
internal sealed partial class NodeGrain
{
    private const int BatchEntries = 256;
    private const long BatchBytes = 4L << 20;

    private readonly List<(long CopiedAt, HashRing CopiedUnder, List<TransferEntry> Entries)> _moved = [];
    private TopologyView? _placedUnder;
    private Task? _transferring;
    private long _exported, _dropped;

    public async Task<int> LeaveAsync(TopologySnapshot topology)
    {
        _leaving = true;
        if (_transferring is { } running)
        {
            // A ring change is being applied; let it finish so its drops are not copied twice.
            await running;
        }

        var after = new HashRing(
            topology.Nodes.Where(n => n.Status != NodeStatus.Failed && n.NodeId != NodeId).Select(n => new RingNode(n.NodeId, n.Silo)),
            _options.VirtualNodesPerNode);
        _moved.Clear();

        // Leaving drops at once: this node stops serving now, so nobody can read what it keeps. What it
        // fails to copy dies with it, so a failed copy is retried (each try is bounded by the call deadline).
        var copied = 0;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (complete, count) = await TransferAsync(_store.Export(), _placedUnder?.Ring ?? after, after, dropNow: true);
            copied += count;
            if (complete)
            {
                break;
            }
        }

        DistCacheLog.NodeLeft(logger, NodeId, copied, _store.Export().Count);
        return copied;
    }

    private async Task FollowTopologyAsync(CancellationToken cancellationToken)
    {
        if (_inOutage || _leaving || _lostData || _transferring is not null || topology.Current is not { } current)
        {
            return;
        }

        var done = new TaskCompletionSource();
        _transferring = done.Task;
        try
        {
            await DropMovedAsync();

            // Views are immutable, one per epoch and version: identity says "nothing new". Versions alone
            // are not enough, since a new coordinator's epoch may reuse numbers.
            if (_placedUnder is null || ReferenceEquals(_placedUnder, current) || TopologyView.SameMembers(_placedUnder.Ring, current.Ring))
            {
                _placedUnder = current;
                return;
            }

            var (complete, copied) = await TransferAsync(_store.Export(), _placedUnder.Ring, current.Ring, dropNow: false);
            if (complete)
            {
                // Otherwise the next tick tries again from the same starting ring.
                _placedUnder = current;
                DistCacheLog.NodeRebalanced(logger, NodeId, copied, current.Version);
            }
        }
        finally
        {
            _transferring = null;
            done.SetResult();
        }
    }

    /// <summary>Copies what moved from <paramref name="before"/> to <paramref name="after"/>, then drops what this node no longer owns.</summary>
    /// <returns>Whether every copy was acknowledged, and how many entries were copied.</returns>
    private async Task<(bool Complete, int Copied)> TransferAsync(List<TransferEntry> entries, HashRing before, HashRing after, bool dropNow)
    {
        var copied = 0;

        // A write may land while copies are in flight; such keys are planned again with their new version.
        for (var round = 0; round < 3 && entries.Count > 0; round++)
        {
            var plan = TransferPlanner.Plan(entries, NodeId, before, after, _options.ReplicationFactor);
            var sent = await Task.WhenAll(plan.Copies.Select(copy => SendAsync(copy.Key, copy.Value)));
            if (sent.Contains(false))
            {
                return (false, copied);
            }

            copied += plan.CopyCount;
            _exported += plan.CopyCount;
            entries = [];
            if (dropNow)
            {
                entries = DropOrRecopy(plan.Drops);
            }
            else
            {
                // Keep serving what moved for a while: a silo that has not seen the new ring yet may still
                // read from here. DropMovedAsync forgets it later, copying again what was written meanwhile.
                _moved.Add((Stopwatch.GetTimestamp(), after, plan.Drops));
            }
        }

        return (entries.Count == 0, copied);
    }

    /// <summary>Drops entries that were copied away; returns those written since, which must be copied again.</summary>
    private List<TransferEntry> DropOrRecopy(IEnumerable<TransferEntry> copied)
    {
        var changed = new List<TransferEntry>();
        foreach (var entry in copied)
        {
            if (_store.DropIfUnchanged(entry.Key, entry.Version))
            {
                _dropped++;
            }
            else if (_store.Export(entry.Key) is { } current)
            {
                changed.Add(current);
            }
        }

        return changed;
    }

    private async Task DropMovedAsync()
    {
        var delay = 10 * _options.TopologyRefreshInterval;
        while (_moved.Count > 0 && Stopwatch.GetElapsedTime(_moved[0].CopiedAt) >= delay && topology.Current is { } current)
        {
            var (_, copiedUnder, entries) = _moved[0];
            _moved.RemoveAt(0);

            // The ring may have moved on since the copy: this node may own some keys again, and
            // others may have new owners that never got them.
            var (drop, recopy) = TransferPlanner.Settle(entries, NodeId, copiedUnder, current.Ring, _options.ReplicationFactor);
            recopy.AddRange(DropOrRecopy(drop));
            if (recopy.Count > 0)
            {
                var latest = recopy.Select(e => _store.Export(e.Key)).OfType<TransferEntry>().ToList();
                if (!(await TransferAsync(latest, current.Ring, current.Ring, dropNow: false)).Complete)
                {
                    // Keep them and try again when the next delay runs out.
                    _moved.Add((Stopwatch.GetTimestamp(), current.Ring, latest));
                }
            }
        }
    }

    private async Task<bool> SendAsync(string target, List<TransferEntry> entries, bool hints = false)
    {
        var node = GrainFactory.GetGrain<INodeGrain>(target);
        try
        {
            var batch = new List<TransferEntry>(Math.Min(BatchEntries, entries.Count));
            var bytes = 0L;
            foreach (var entry in entries)
            {
                batch.Add(entry);
                bytes += BoundedStore.SizeOf(entry.Key, entry.Value?.Length ?? 0);
                if (batch.Count == BatchEntries || bytes >= BatchBytes)
                {
                    await node.ImportAsync(batch.ToArray()).WaitAsync(_options.ReplicaCallTimeout);
                    batch.Clear();
                    bytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                await node.ImportAsync(batch.ToArray()).WaitAsync(_options.ReplicaCallTimeout);
            }

            return true;
        }
        catch (Exception error)
        {
            if (hints)
            {
                // Expected while the replica is still down; tried again every tick.
                DistCacheLog.HintDeliveryFailed(logger, NodeId, target, error.GetType().Name, error.Message);
            }
            else
            {
                DistCacheLog.TransferFailed(logger, NodeId, target, error);
            }

            return false;
        }
    }
}
