namespace DistCache;

/// <summary>What a <see cref="NodeOperation"/> does.</summary>
public enum NodeOperationKind
{
    /// <summary>Read the key.</summary>
    Get,

    /// <summary>Write a value at a version.</summary>
    Set,

    /// <summary>Write a tombstone at a version.</summary>
    Remove,
}

/// <summary>One replica call carried in a batch to one node (see <see cref="INodeGrain.ExecuteAsync"/>).</summary>
[GenerateSerializer, Immutable, Alias("distcache.node-operation")]
public sealed record NodeOperation(
    [property: Id(0)] NodeOperationKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] CacheVersion Version = default,
    [property: Id(4)] long ExpiresAtTicks = 0,
    [property: Id(5)] string[]? Tags = null);

/// <summary>The answer to one <see cref="NodeOperation"/>: a read, a write, or the error it raised.</summary>
[GenerateSerializer, Immutable, Alias("distcache.node-operation-result")]
public sealed record NodeOperationResult(
    [property: Id(0)] NodeReadResult? Read,
    [property: Id(1)] NodeWriteResult? Write,
    [property: Id(2)] Exception? Error = null);
