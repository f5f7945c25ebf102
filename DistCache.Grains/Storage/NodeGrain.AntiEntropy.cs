using DistCache.Placement;
using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// Anti-entropy: every interval, this node compares digests of the keys it shares with each other node
/// (the peer with the larger id starts nothing, so each pair compares once), and the two exchange only
/// the entries of buckets that differ. Keys nobody reads converge this way, whatever the replicas missed.
/// </summary>
/// <remarks>
/// Every walk over the store yields the turn each <see cref="Hosting.DistCacheOptions.AntiEntropyScanChunk"/>
/// slots. The node is reentrant, so reads and writes that arrive during a round run between chunks: a
/// round over 1M keys takes about 175 ms of work, which would otherwise stall the node's requests for
/// that long every interval.
/// </remarks>
internal sealed partial class NodeGrain
{
    private const int DigestBytes = AntiEntropy.Buckets * sizeof(ulong);

    private long _antiEntropyRounds, _antiEntropyDigestBytes, _antiEntropyEntries;
    private bool _inAntiEntropy;

    public async Task<int[]?> CompareDigestsAsync(string peerNodeId, ulong ring, ulong[] digests)
    {
        EnsureInService();
        if (topology.Current is not { } current || current.Ring.Fingerprint != ring)
        {
            return null;
        }

        _antiEntropyDigestBytes += DigestBytes;
        var mine = new ulong[AntiEntropy.Buckets];
        return await ScanAsync(current.Ring, held => AntiEntropy.DigestFor(held, NodeId, peerNodeId, current.Ring, _options.ReplicationFactor, mine))
            ? AntiEntropy.Differing(mine, digests)
            : null;
    }

    public async Task<ReconcileReply?> ReconcileAsync(string peerNodeId, ulong ring, int[] buckets, IReadOnlyList<KeySummary> peerHolds)
    {
        EnsureInService();
        if (topology.Current is not { } current || current.Ring.Fingerprint != ring)
        {
            return null;
        }

        var mine = new List<KeySummary>();
        if (!await ScanAsync(current.Ring, held => AntiEntropy.SharedIn(held, NodeId, peerNodeId, current.Ring, _options.ReplicationFactor, buckets, mine)))
        {
            return null;
        }

        var (send, want) = AntiEntropy.Compare(mine, peerHolds);
        var forPeer = send.Select(_store.Export).OfType<TransferEntry>().ToList();
        _antiEntropyEntries += forPeer.Count;
        return new ReconcileReply(forPeer, want);
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
            var digests = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
            if (!await ScanAsync(ring, held => AntiEntropy.DigestsByPeer(held, NodeId, ring, _options.ReplicationFactor, digests)))
            {
                return;
            }

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

            var mine = new List<KeySummary>();
            var currentRing = topology.Current.Ring;
            if (!await ScanAsync(currentRing, held => AntiEntropy.SharedIn(held, NodeId, peer, currentRing, _options.ReplicationFactor, differing, mine)))
            {
                return;
            }

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

    /// <summary>
    /// Hands what the store holds to <paramref name="add"/>, a chunk of slots per turn; false
    /// if the ring moved on from <paramref name="ring"/> meanwhile, which makes the walk's result useless.
    /// </summary>
    private async Task<bool> ScanAsync(HashRing ring, Action<IEnumerable<KeySummary>> add)
    {
        for (var start = 0; start < _store.Extent; start += _options.AntiEntropyScanChunk)
        {
            if (start > 0)
            {
                await Task.Yield();
            }

            add(_store.Versions(start, _options.AntiEntropyScanChunk));
        }

        return topology.Current?.Ring.Fingerprint == ring.Fingerprint;
    }
}
