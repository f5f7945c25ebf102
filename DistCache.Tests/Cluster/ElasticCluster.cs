using DistCache.Hosting;

namespace DistCache.Tests.Cluster;

/// <summary>A cluster of its own for one test that kills, adds or stops silos.</summary>
public sealed class ElasticCluster(short silos, int replicationFactor = 3)
    : CacheClusterFixture(silos, nodesPerSilo: 1, options => options.ReplicationFactor = replicationFactor)
{
    public static async Task<ElasticCluster> StartAsync(short silos, int replicationFactor = 3)
    {
        var cluster = new ElasticCluster(silos, replicationFactor);
        await cluster.InitializeAsync();
        return cluster;
    }

    public int ReplicationFactor => replicationFactor;

    /// <summary>Waits until every key's owners (per the data path) hold at least the acknowledged version.</summary>
    public Task WaitForReplicasAsync(IReadOnlyDictionary<string, Acknowledged> keys, string what) =>
        ReplicaCheck.WaitForAllAsync(Client, keys, Math.Min(replicationFactor, ExpectedNodes), what, TimeSpan.FromSeconds(60));
}
