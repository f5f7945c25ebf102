namespace DistCache;

/// <summary>A node's answer in anti-entropy's second step.</summary>
/// <param name="ForPeer">Entries the asking peer lacks, holds older, or holds in conflict.</param>
/// <param name="Wanted">Keys the asking peer holds newer (or in conflict, or alone); it should send them.</param>
[GenerateSerializer, Immutable, Alias("distcache.reconcile-reply")]
public sealed record ReconcileReply(
    [property: Id(0)] IReadOnlyList<TransferEntry> ForPeer,
    [property: Id(1)] IReadOnlyList<string> Wanted);
