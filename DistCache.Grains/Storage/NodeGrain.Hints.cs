using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// Hinted hand-off: when a replica misses a write (down, partitioned, slow), the writer asks the key's
/// other replicas to keep a hint, and they copy the key to it as soon as it answers again, so a short
/// outage is repaired in seconds rather than at the next anti-entropy round.
/// </summary>
internal sealed partial class NodeGrain
{
    private HintBook _hints = null!;
    private long _hintsDelivered;
    private bool _deliveringHints;

    public Task AddHintsAsync(string replicaNodeId, string[] keys)
    {
        if (!_lostData && replicaNodeId != NodeId)
        {
            _hints.Add(replicaNodeId, keys, time.GetUtcNow().UtcTicks);
        }

        return Task.CompletedTask;
    }

    private async Task DeliverHintsAsync(CancellationToken cancellationToken)
    {
        if (_hints.Count == 0 || _deliveringHints || _inOutage || _leaving || _lostData || topology.Current is not { } current)
        {
            return;
        }

        _deliveringHints = true;
        try
        {
            // A replica that left the ring gets its keys from the ring change instead.
            _hints.DropStale(time.GetUtcNow().UtcTicks, replica => current.Ring.IndexOf(replica) >= 0);
            foreach (var replica in _hints.Replicas.ToList())
            {
                var hints = _hints.HintsFor(replica);
                var entries = hints.Select(h => _store.Export(h.Key)).OfType<TransferEntry>().ToList();

                // Delivery is a versioned import: a copy older than what the replica holds changes nothing.
                if (await SendAsync(replica, entries, hints: true))
                {
                    _hints.Delivered(replica, hints);
                    _hintsDelivered += entries.Count;
                }
            }
        }
        finally
        {
            _deliveringHints = false;
        }
    }
}
