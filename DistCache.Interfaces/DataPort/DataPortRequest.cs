namespace DistCache.DataPort;

/// <summary>
/// One frame of a client's operations to a silo over its data port: for each of the silo's nodes the client
/// has operations for, what <see cref="INodeGrain.ServeAsync"/> would take.
/// </summary>
/// <param name="Ring">The ring fingerprint the client routed with (see <see cref="ReadRouting.RingFingerprint"/>).</param>
/// <param name="Batches">Per node, its operations.</param>
[GenerateSerializer, Immutable, Alias("distcache.data-port-request")]
internal sealed record DataPortRequest(
    [property: Id(0)] ulong Ring,
    [property: Id(1)] NodeBatch[] Batches);
