using System.Collections.Concurrent;
using DistCache.Storage;

namespace DistCache.DataPort;

/// <summary>The node activations serving on this silo, by node id, for the data port to reach without a grain call.</summary>
internal sealed class LocalNodes
{
    private readonly ConcurrentDictionary<string, NodeGrain> _nodes = new(StringComparer.Ordinal);

    public void Add(string nodeId, NodeGrain node) => _nodes[nodeId] = node;

    public void Remove(string nodeId, NodeGrain node) => _nodes.TryRemove(new KeyValuePair<string, NodeGrain>(nodeId, node));

    public bool TryGet(string nodeId, out NodeGrain node) => _nodes.TryGetValue(nodeId, out node!);
}
