namespace DistCache.Client;

/// <summary>One operation the client sends straight to a node (<see cref="INodeGrain.ServeAsync"/>): a read, or a write when <see cref="Write"/> is set.</summary>
/// <param name="Node">The node's index on the client's ring.</param>
/// <param name="Key">The key read; unused for a write.</param>
/// <param name="VersionOnly">For a read: whether the node may leave the value out and send only the version.</param>
/// <param name="Write">The set or remove the node coordinates as the key's primary; null for a read.</param>
internal readonly record struct DirectRequest(int Node, string Key, bool VersionOnly, CacheOperation? Write = null);
