namespace DistCache.Replication;

/// <summary>A replica to call: the node's id and a reference to its grain.</summary>
internal sealed record NodeTarget(string NodeId, INodeGrain Grain);
