namespace DistCache.Client;

/// <summary>How the client's direct operations used the silos' data ports (see <see cref="DistCacheClientOptions.UseDataPort"/>).</summary>
/// <param name="Frames">Frames sent, each carrying one batch of operations for one or more of a silo's nodes.</param>
/// <param name="Connections">Connections opened, the first to each silo included.</param>
/// <param name="CallsLost">Frames in flight when their connection ended (a silo that died or stopped); their operations failed over at once.</param>
public sealed record DataPortCounters(long Frames, long Connections, long CallsLost);
