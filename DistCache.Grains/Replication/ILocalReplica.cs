namespace DistCache.Replication;

/// <summary>
/// The node coordinating a write (<see cref="INodeGrain.ServeAsync"/>), seen from
/// <see cref="ReplicatedCache"/>: when it is one of the key's replicas, its part of the write is applied
/// in place instead of by a grain call to itself. Called only from that node's own turns.
/// </summary>
internal interface ILocalReplica
{
    string NodeId { get; }

    Task<NodeWriteResult> SetAsync(string key, byte[] value, CacheVersion version, long expiresAtTicks, string[]? tags);

    Task<NodeWriteResult> RemoveAsync(string key, CacheVersion version);
}
