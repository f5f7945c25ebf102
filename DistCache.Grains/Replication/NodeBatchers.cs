using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using DistCache.Hosting;
using Microsoft.Extensions.Options;

namespace DistCache.Replication;

/// <summary>
/// This silo's replica calls, batched per node: concurrent reads and writes bound for one node leave
/// in one grain call, so a node call carries many operations under load and a lone one goes at once.
/// </summary>
internal sealed class NodeBatchers(IOptions<DistCacheOptions> options)
{
    private const int MaxBatch = 256;
    private const int MaxInFlight = 2;

    private readonly ConcurrentDictionary<string, AutoBatcher<NodeOperation, NodeOperationResult>> _byNode = new(StringComparer.Ordinal);

    public async Task<NodeReadResult> GetAsync(NodeTarget node, string key) =>
        Unwrap(await For(node).SendAsync(new NodeOperation(NodeOperationKind.Get, key))).Read!;

    public async Task<NodeWriteResult> SetAsync(NodeTarget node, string key, byte[] value, CacheVersion version, long expiresAtTicks, string[]? tags) =>
        Unwrap(await For(node).SendAsync(new NodeOperation(NodeOperationKind.Set, key, value, version, expiresAtTicks, tags)).ConfigureAwait(false)).Write!;

    public async Task<NodeWriteResult> RemoveAsync(NodeTarget node, string key, CacheVersion version) =>
        Unwrap(await For(node).SendAsync(new NodeOperation(NodeOperationKind.Remove, key, Version: version)).ConfigureAwait(false)).Write!;

    private AutoBatcher<NodeOperation, NodeOperationResult> For(NodeTarget node) =>
        _byNode.GetOrAdd(node.NodeId, static (_, state) => new AutoBatcher<NodeOperation, NodeOperationResult>(
            state.Grain.ExecuteAsync, MaxBatch, MaxInFlight, state.Timeout), (node.Grain, Timeout: options.Value.ReplicaCallTimeout));

    private static NodeOperationResult Unwrap(NodeOperationResult result)
    {
        if (result.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return result;
    }
}
