namespace DistCache.Tests.Cluster;

/// <summary>A replica that misses writes while unreachable gets them from its peers' hints when it comes back.</summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class HintedHandoffTests(ThreeSiloCluster fixture)
{
    [Fact]
    public async Task AReplicaBackFromAnOutageGetsTheWritesItMissedWithoutAnyRead()
    {
        var keys = Enumerable.Range(0, 20).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        var down = (await fixture.Cache.GetReplicasAsync(keys[0]))[2];
        var versions = new Dictionary<string, CacheVersion>();
        var before = await Replicas.CountersAsync(fixture);

        await using (await NodeOutage.StartAsync(fixture, down))
        {
            foreach (var key in keys)
            {
                versions[key] = await fixture.Cache.SetAsync(key, [7], null, ConsistencyLevel.Quorum);
            }

            // The other replicas hold hints for the keys the node missed while it is down.
            await Eventually.TrueAsync(
                async () => (await Replicas.CountersAsync(fixture)).Sum(c => c.HintsPending) > 0,
                "hints to be held for the node in outage");
        }

        // Three replicas on three nodes: every key has one on the node that was down.
        foreach (var key in keys)
        {
            await Eventually.TrueAsync(
                async () => (await fixture.Node(down).GetAsync(key)).Version == versions[key],
                $"the node back from its outage to hold {key}");
        }

        var after = await Replicas.CountersAsync(fixture);
        Assert.True(after.Sum(c => c.HintsDelivered) > before.Sum(c => c.HintsDelivered));
        await Eventually.TrueAsync(async () => (await Replicas.CountersAsync(fixture)).Sum(c => c.HintsPending) == 0, "every hint to be delivered");
        Assert.True((await fixture.SettledStatsAsync()).Operations.HintsRequested >= keys.Length);
    }
}
