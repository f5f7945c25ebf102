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

    /// <summary>A key on three replicas whose primary holds an older version than the other two.</summary>
    public static async Task<(string Key, IReadOnlyList<string> Replicas, CacheVersion Old, CacheVersion Newer)> WithStalePrimaryAsync(
        CacheClusterFixture fixture, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var key = TestKey.New(test);
        var replicas = await fixture.Cache.GetReplicasAsync(key);
        var old = await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);

        // Written straight to two nodes: through the cache, a replica that missed it would get a hint at once.
        var newer = old with { Timestamp = old.Timestamp + (1 << 16) };
        await fixture.Node(replicas[1]).SetAsync(key, [2], newer, 0, null);
        await fixture.Node(replicas[2]).SetAsync(key, [2], newer, 0, null);
        Assert.Equal(old, (await fixture.Node(replicas[0]).GetAsync(key)).Version);
        return (key, replicas, old, newer);
    }
}
