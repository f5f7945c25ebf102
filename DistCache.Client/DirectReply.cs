namespace DistCache.Client;

/// <summary>A node's answer to one <see cref="DirectRequest"/>.</summary>
/// <param name="Read">For a read: what the node holds (a tombstone, or <see cref="NodeReadResult.Missing"/>), or null when it could not vouch for its answer.</param>
/// <param name="Write">For a write: its outcome.</param>
/// <param name="Failure">Why the node did not take the operation (it refused its batch, or is not on the silo); the caller's task faults with it.</param>
internal readonly record struct DirectReply(NodeReadResult? Read, CacheOperationResult? Write, Exception? Failure = null);
