using System.Collections.Concurrent;

namespace DistCache.Replication;

/// <summary>Counters of this silo's data path, shared by all its entry grain activations.</summary>
internal sealed class DataPathMetrics
{
    private readonly ConcurrentDictionary<string, NodeCounters> _byNode = new(StringComparer.Ordinal);
    private long _reads, _writes, _removes, _hits, _misses, _failures, _readRepairs, _hintsRequested;

    public void Read(bool hit)
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Increment(ref hit ? ref _hits : ref _misses);
    }

    public void Write() => Interlocked.Increment(ref _writes);

    public void Remove() => Interlocked.Increment(ref _removes);

    public void Failure() => Interlocked.Increment(ref _failures);

    public void ReadRepairs(int replicas) => Interlocked.Add(ref _readRepairs, replicas);

    public void HintRequested() => Interlocked.Increment(ref _hintsRequested);

    public void Failover(string nodeId) => Interlocked.Increment(ref For(nodeId).Failovers);

    public void ReplicationFailure(string nodeId) => Interlocked.Increment(ref For(nodeId).ReplicationFailures);

    public DataPathCounters Snapshot() => new()
    {
        Reads = Volatile.Read(ref _reads),
        Writes = Volatile.Read(ref _writes),
        Removes = Volatile.Read(ref _removes),
        Hits = Volatile.Read(ref _hits),
        Misses = Volatile.Read(ref _misses),
        Failures = Volatile.Read(ref _failures),
        ReadRepairs = Volatile.Read(ref _readRepairs),
        HintsRequested = Volatile.Read(ref _hintsRequested),
        ByNode = _byNode.ToDictionary(
            p => p.Key,
            p => new ReplicaCallCounters(Volatile.Read(ref p.Value.Failovers), Volatile.Read(ref p.Value.ReplicationFailures)),
            StringComparer.Ordinal),
    };

    private NodeCounters For(string nodeId) => _byNode.GetOrAdd(nodeId, static _ => new NodeCounters());

    private sealed class NodeCounters
    {
        public long Failovers;
        public long ReplicationFailures;
    }
}
