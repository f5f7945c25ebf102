namespace DistCache.Replication;

/// <summary>A replica to call: the node's id, a reference to its grain, and its silo's position in the ring's silo list.</summary>
internal sealed record NodeTarget(string NodeId, INodeGrain Grain, int Silo);
