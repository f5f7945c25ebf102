using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// Anti-entropy: every interval, this node compares digests of the keys it shares with each other node
/// (the peer with the larger id starts nothing, so each pair compares once), and the two exchange only
/// the entries of buckets that differ. Keys nobody reads converge this way, whatever the replicas missed.
/// </summary>
internal sealed partial class NodeGrain
{
    private const int DigestBytes = AntiEntropy.Buckets * sizeof(ulong);

    private long _antiEntropyRounds, _antiEntropyDigestBytes, _antiEntropyEntries;
    private bool _inAntiEntropy;

    public Task<int[]?> CompareDigestsAsync(string peerNodeId, ulong ring, ulong[] digests)
    {
        EnsureInService();
        if (topology.Current is not { } current || current.Ring.Fingerprint != ring)
        {
            return Task.FromResult<int[]?>(null);
        }

        _antiEntropyDigestBytes += DigestBytes;
        var mine = AntiEntropy.DigestFor(_store.Versions(), NodeId, peerNodeId, current.Ring, _options.ReplicationFactor);
        return Task.FromResult<int[]?>(AntiEntropy.Differing(mine, digests));
    }

    public Task<ReconcileReply?> ReconcileAsync(string peerNodeId, ulong ring, int[] buckets, IReadOnlyList<KeySummary> peerHolds)
    {
        EnsureInService();
        if (topology.Current is not { } current || current.Ring.Fingerprint != ring)
        {
            return Task.FromResult<ReconcileReply?>(null);
        }

        var mine = AntiEntropy.SharedIn(_store.Versions(), NodeId, peerNodeId, current.Ring, _options.ReplicationFactor, buckets);
        var (send, want) = AntiEntropy.Compare(mine, peerHolds);
        var forPeer = send.Select(_store.Export).OfType<TransferEntry>().ToList();
        _antiEntropyEntries += forPeer.Count;
        return Task.FromResult<ReconcileReply?>(new ReconcileReply(forPeer, want));
    }

    private async Task RunAntiEntropyAsync(CancellationToken cancellationToken)
    {
        if (_inAntiEntropy || _inOutage || _leaving || _lostData || _transferring is not null || topology.Current is not { } current)
        {
            return;
        }

        _inAntiEntropy = true;
        try
        {
            var ring = current.Ring;
            var digests = AntiEntropy.DigestsByPeer(_store.Versions(), NodeId, ring, _options.ReplicationFactor);
            foreach (var (peer, digest) in digests)
            {
                if (string.CompareOrdinal(peer, NodeId) > 0 && ReferenceEquals(topology.Current?.Ring, ring))
                {
                    await CompareWithAsync(peer, ring.Fingerprint, digest);
                }
            }
        }
        finally
        {
            _inAntiEntropy = false;
        }
    }

    private async Task CompareWithAsync(string peer, ulong ring, ulong[] digest)
    {
        var node = GrainFactory.GetGrain<INodeGrain>(peer);
        try
        {
            _antiEntropyRounds++;
            _antiEntropyDigestBytes += DigestBytes;
            var differing = await node.CompareDigestsAsync(NodeId, ring, digest).WaitAsync(_options.ReplicaCallTimeout);
            if (differing is not { Length: > 0 } || topology.Current?.Ring.Fingerprint != ring)
            {
                return;
            }

            var mine = AntiEntropy.SharedIn(_store.Versions(), NodeId, peer, topology.Current.Ring, _options.ReplicationFactor, differing);
            var reply = await node.ReconcileAsync(NodeId, ring, differing, mine).WaitAsync(_options.ReplicaCallTimeout);
            if (reply is null)
            {
                return;
            }

            Import(reply.ForPeer);
            var wanted = reply.Wanted.Select(_store.Export).OfType<TransferEntry>().ToList();
            _antiEntropyEntries += wanted.Count;
            await SendAsync(peer, wanted);
            DistCacheLog.AntiEntropyRepaired(logger, NodeId, peer, differing.Length, reply.ForPeer.Count, wanted.Count);
        }
        catch (Exception error)
        {
            // The next round tries again; until then hints and read repair still work.
            DistCacheLog.AntiEntropyFailed(logger, NodeId, peer, error.GetType().Name, error.Message);
        }
    }
}
