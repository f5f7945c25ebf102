namespace DistCache.Tests.Cluster;

/// <summary>Reads that see replicas disagree write the winning version back to the stale ones.</summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class ReadRepairTests(ThreeSiloCluster fixture)
{
    [Fact]
    public async Task AStrongReadRepairsAStaleReplicaBeforeItReturns()
    {
        var (key, replicas, _, newer) = await Replicas.WithStalePrimaryAsync(fixture);
        var before = (await fixture.SettledStatsAsync()).Operations.ReadRepairs;

        var item = await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong);

        Assert.Equal([2], item!.Value);
        Assert.Equal(newer, (await fixture.Node(replicas[0]).GetAsync(key)).Version);
        Assert.Equal(before + 1, (await fixture.SettledStatsAsync()).Operations.ReadRepairs);
    }

    [Fact]
    public async Task AQuorumReadRepairsAStaleReplicaEvenWhenItAnswersLast()
    {
        var (key, _, _, newer) = await Replicas.WithStalePrimaryAsync(fixture);

        Assert.Equal(newer, (await fixture.Cache.GetAsync(key, ConsistencyLevel.Quorum))!.Version);

        // Repaired before the read returned if it was among the first two answers, else right after.
        await Eventually.TrueAsync(() => Replicas.AllHoldAsync(fixture, key, newer), "every replica to hold the newer version");
    }

    [Fact]
    public async Task ReadsResolveConcurrentVersionsAndRepairEveryReplicaToTheMergedVersion()
    {
        var key = TestKey.New();
        var replicas = await fixture.Cache.GetReplicasAsync(key);

        // Two writers that never saw each other's write; each reached a different replica first.
        var early = new CacheVersion(1_000 << 16, 1);
        var late = new CacheVersion(2_000 << 16, 2);
        await fixture.Node(replicas[0]).SetAsync(key, [1], early, 0, null);
        await fixture.Node(replicas[1]).SetAsync(key, [2], late, 0, null);
        await fixture.Node(replicas[2]).SetAsync(key, [1], early, 0, null);

        var item = await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong);

        Assert.Equal([2], item!.Value);
        var merged = CacheVersion.Merge(late, early);
        Assert.Equal(merged, item.Version);
        Assert.All(await Replicas.HeldAsync(fixture, key), held =>
        {
            Assert.Equal(merged, held.Version);
            Assert.Equal([2], held.Value);
        });
    }
}

/// <summary>Eventual reads, which answer from one replica, repair the others in the background.</summary>
[Collection(ReadRepairGroup.Name)]
public sealed class BackgroundReadRepairTests(ReadRepairCluster fixture)
{
    [Fact]
    public async Task AnEventualReadAnswersFromThePrimaryAndRepairsTheOthersAfterwards()
    {
        var key = TestKey.New();
        var replicas = await fixture.Cache.GetReplicasAsync(key);
        var old = await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);
        var newer = old with { Timestamp = old.Timestamp + (1 << 16) };
        await fixture.Node(replicas[0]).SetAsync(key, [2], newer, 0, null);
        Assert.Equal(old, (await fixture.Node(replicas[2]).GetAsync(key)).Version);

        Assert.Equal([2], (await fixture.Cache.GetAsync(key, ConsistencyLevel.Eventual))!.Value);

        await Eventually.TrueAsync(() => Replicas.AllHoldAsync(fixture, key, newer), "the two stale replicas to be repaired");

        // Counted once each repair call returns, a moment after the replica applied it.
        await Eventually.MatchesAsync(fixture.SettledStatsAsync, stats => stats.Operations.ReadRepairs == 2, "both repairs to be counted");
    }
}
