using DistCache.Hosting;

namespace DistCache.Tests.Cluster;

/// <summary>A cluster of its own for one test that kills, adds or stops silos.</summary>
public sealed class ElasticCluster(short silos, int replicationFactor = 3, TimeSpan? handoffReadWindow = null)
    : CacheClusterFixture(silos, nodesPerSilo: 1, options =>
    {
        options.ReplicationFactor = replicationFactor;
        options.AntiEntropyInterval = TimeSpan.FromMilliseconds(500);
        options.HandoffReadWindow = handoffReadWindow ?? options.HandoffReadWindow;
    })
{
    public static async Task<ElasticCluster> StartAsync(short silos, int replicationFactor = 3, TimeSpan? handoffReadWindow = null)
    {
        var cluster = new ElasticCluster(silos, replicationFactor, handoffReadWindow);
        await cluster.InitializeAsync();
        return cluster;
    }

    /// <summary>
    /// Waits until every key is held at its acknowledged version by at least two of its owners, on two
    /// silos: what a failure must never break. Then until all its owners hold it: owners that missed a
    /// write before the failure are repaired by hints and anti-entropy. Says how long each took.
    /// </summary>
    public async Task<string> WaitForReplicasAsync(IReadOnlyDictionary<string, Acknowledged> keys, string what)
    {
        var owners = Math.Min(replicationFactor, ExpectedNodes);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await ReplicaCheck.WaitForAllAsync(Client, keys, owners, what, TimeSpan.FromSeconds(60), holding: Math.Min(2, owners));
        var durable = watch.Elapsed;
        await ReplicaCheck.WaitForAllAsync(Client, keys, owners, "full replication", TimeSpan.FromSeconds(60));
        return $"all {keys.Count} keys on 2 owners after {durable.TotalMilliseconds:0} ms and on all {owners} after {watch.Elapsed.TotalMilliseconds:0} ms";
    }
}
