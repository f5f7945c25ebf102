namespace DistCache.Client;

/// <summary>How the client's sets and removes went (see <see cref="DistCacheClientOptions.WriteToPrimary"/>).</summary>
/// <param name="Direct">Writes coordinated by the key's primary node, one hop.</param>
/// <param name="FellBack">Writes sent through the cluster's entry grain: no routing yet, or a primary that refused or could not be reached.</param>
public sealed record NodeWriteCounters(long Direct, long FellBack);
