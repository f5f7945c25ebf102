namespace DistCache;

/// <summary>Invalidations one node sends its subscribers at once; an empty one is a heartbeat.</summary>
/// <param name="Cursor">The node, its incarnation, and this batch's sequence number (a heartbeat repeats the last one sent).</param>
/// <param name="Keys">Keys whose value changed or went away on the node.</param>
/// <param name="Tags">Tags invalidated on the node.</param>
[GenerateSerializer, Immutable, Alias("distcache.invalidation-batch")]
public sealed record InvalidationBatch(
    [property: Id(0)] InvalidationCursor Cursor,
    [property: Id(1)] IReadOnlyList<string> Keys,
    [property: Id(2)] IReadOnlyList<string> Tags)
{
    /// <summary>Whether this is a heartbeat: nothing changed since the batch with the same sequence number.</summary>
    public bool IsHeartbeat => Keys.Count == 0 && Tags.Count == 0;
}
