using System.Collections.Concurrent;

namespace DistCache.Storage;

/// <summary>
/// Remembers which nodes this silo process has activated. A node's store lives only in its
/// activation, so a second activation of the same node id is a node that lost its data (Orleans can
/// deactivate an activation, for example when the silo holding its directory entry dies), and it
/// must never answer as if it still held anything.
/// </summary>
internal sealed class NodeActivations
{
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time <paramref name="nodeId"/> activates in this process; false ever after.</summary>
    public bool IsFirst(string nodeId) => _seen.TryAdd(nodeId, 0);
}
