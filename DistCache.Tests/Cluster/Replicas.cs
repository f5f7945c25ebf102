namespace DistCache.Tests.Cluster;

/// <summary>What each replica of a key holds, read from the nodes themselves (not through the data path, so nothing gets repaired).</summary>
public static class Replicas
{
    public static async Task<NodeReadResult[]> HeldAsync(CacheClusterFixture fixture, string key) =>
        await Task.WhenAll((await fixture.Cache.GetReplicasAsync(key)).Select(id => fixture.Node(id).GetAsync(key)));

    /// <summary>Whether every replica holds exactly <paramref name="version"/>.</summary>
    public static async Task<bool> AllHoldAsync(CacheClusterFixture fixture, string key, CacheVersion version) =>
        (await HeldAsync(fixture, key)).All(h => h.Version == version);

    public static async Task<StoreCounters[]> CountersAsync(CacheClusterFixture fixture) =>
        await Task.WhenAll((await fixture.NodeIdsAsync()).Select(id => fixture.Node(id).GetCountersAsync()));
}
