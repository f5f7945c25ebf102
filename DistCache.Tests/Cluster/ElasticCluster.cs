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

    /// <summary>
    /// Waits until every key is held at its acknowledged version by at least two of its owners, on two
    /// silos: what a failure must never break. Then gives full replication a few seconds and says whether
    /// it got there: an owner that missed a write before the failure is repaired only by anti-entropy,
    /// which does not exist yet, so full replication is reported rather than required.
    /// </summary>
    public async Task<string> WaitForReplicasAsync(IReadOnlyDictionary<string, Acknowledged> keys, string what)
    {
        var owners = Math.Min(replicationFactor, ExpectedNodes);
        await ReplicaCheck.WaitForAllAsync(Client, keys, owners, what, TimeSpan.FromSeconds(60), holding: Math.Min(2, owners));
        try
        {
            await ReplicaCheck.WaitForAllAsync(Client, keys, owners, "full replication", TimeSpan.FromSeconds(5));
            return $"all {keys.Count} keys on {owners} replicas";
        }
        catch (TimeoutException incomplete)
        {
            return $"not all {keys.Count} keys on {owners} replicas after 5 s ({incomplete.Message})";
        }
    }
}
