namespace DistCache.DataPort;

/// <summary>
/// The answer to a <see cref="DataPortRequest"/>, per batch in its order: the node's reply, or why the node
/// refused or failed the batch (the client then sends those operations through the entry grain).
/// </summary>
[GenerateSerializer, Immutable, Alias("distcache.data-port-reply")]
internal sealed record DataPortReply(
    [property: Id(0)] NodeServeReply?[] Replies,
    [property: Id(1)] string?[] Errors);
