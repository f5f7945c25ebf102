namespace DistCache.Coordination;

/// <summary>A node's health moved from one status to another.</summary>
internal readonly record struct StatusChange(string NodeId, NodeStatus From, NodeStatus To);
