namespace DistCache.Client;

/// <summary>How the client's reads went (see <see cref="DistCacheClientOptions.ReadFromNodes"/>).</summary>
/// <param name="Direct">Reads answered straight by the nodes, one hop.</param>
/// <param name="FellBack">Reads left to the cluster's entry grain: no routing yet, a failed or refusing node, replicas that disagreed, or a read picked for read repair.</param>
/// <param name="Rerouted">Of the direct reads, those sent to the key's other replicas because one of its nodes had just failed a call (see <see cref="DistCacheClientOptions.ReadFromNodes"/>).</param>
public sealed record NodeReadCounters(long Direct, long FellBack, long Rerouted);
