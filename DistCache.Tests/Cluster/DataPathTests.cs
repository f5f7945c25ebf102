using DistCache.Placement;
using DistCache.Storage;

namespace DistCache.Tests.Cluster;

/// <summary>Writes, reads, placement and invalidation through the real data path of a three-silo cluster.</summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class DataPathTests(ThreeSiloCluster fixture)
{
    private static readonly byte[] Value = [1, 2, 3, 4];

    [Fact]
    public async Task EachSiloStartsANodeThatIsActiveAndReportsRealMetrics()
    {
        var nodes = await Eventually.MatchesAsync(
            fixture.Coordinator.GetNodesAsync,
            nodes => nodes.All(n => n.LastHeartbeat is not null),
            "every node to heartbeat");

        Assert.Equal(3, nodes.Count);
        Assert.Equal(3, nodes.Select(n => n.Silo).Distinct().Count());
        Assert.All(nodes, node =>
        {
            // A busy test machine can push CPU past 90 %: the status must follow the metrics it reported.
            Assert.Equal(node.CpuPercent > 90 || node.MemoryPercent > 90 ? NodeStatus.Degraded : NodeStatus.Active, node.Status);
            Assert.Equal(1L << 30, node.CapacityBytes);
            Assert.InRange(node.CpuPercent, 0, 100);
            Assert.InRange(node.MemoryPercent, double.Epsilon, 100);
            Assert.Equal(NodeIds.SiloOf(node.NodeId).ToParsableString(), node.Silo);
        });
    }

    [Theory]
    [InlineData(ConsistencyLevel.Eventual)]
    [InlineData(ConsistencyLevel.Quorum)]
    [InlineData(ConsistencyLevel.Strong)]
    public async Task AWriteIsReadBackAtTheSameLevel(ConsistencyLevel level)
    {
        var key = TestKey.New(suffix: level.ToString());
        var version = await fixture.Cache.SetAsync(key, Value, null, level);

        var item = await fixture.Cache.GetAsync(key, level);

        Assert.NotNull(item);
        Assert.Equal(Value, item.Value);
        Assert.Equal(version, item.Version);
        Assert.Null(item.ExpiresAt);
    }

    [Fact]
    public async Task TheLaterWriteWins()
    {
        var key = TestKey.New();
        var first = await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Quorum);
        var second = await fixture.Cache.SetAsync(key, [2], null, ConsistencyLevel.Quorum);

        Assert.True(second > first);
        Assert.Equal([2], (await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong))!.Value);
    }

    [Fact]
    public async Task ThePrimaryIsChosenByTheRingOnDistinctSilosAndHoldsTheValue()
    {
        var nodes = await fixture.Coordinator.GetNodesAsync();
        var ring = new HashRing(nodes.Select(n => new RingNode(n.NodeId, n.Silo)), 256);
        for (var i = 0; i < 20; i++)
        {
            var key = TestKey.New(suffix: $":{i}");
            var replicas = await fixture.Cache.GetReplicasAsync(key);

            Assert.Equal(ring.GetReplicas(key, 3).Select(n => n.NodeId), replicas);
            Assert.Equal(3, replicas.Select(id => NodeIds.SiloOf(id)).Distinct().Count());

            // Eventual acknowledges only after the primary applied the write.
            var version = await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Eventual);
            var onPrimary = await fixture.Node(replicas[0]).GetAsync(key);
            Assert.Equal(version, onPrimary.Version);
        }
    }

    [Fact]
    public async Task RemoveInvalidatesTheKeyOnEveryReplica()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Strong);

        var removed = await fixture.Cache.RemoveAsync(key, ConsistencyLevel.Strong);

        foreach (var nodeId in await fixture.Cache.GetReplicasAsync(key))
        {
            var held = await fixture.Node(nodeId).GetAsync(key);
            Assert.False(held.IsLive);
            Assert.Equal(removed, held.Version); // a tombstone, not just a gap
        }

        foreach (var level in Enum.GetValues<ConsistencyLevel>())
        {
            Assert.Null(await fixture.Cache.GetAsync(key, level));
        }
    }

    [Fact]
    public async Task EntriesExpireOnEveryReplicaWhenTheirTimeToLiveRunsOut()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, Value, TimeSpan.FromSeconds(10), ConsistencyLevel.Strong);
        var item = await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong);
        Assert.Equal(fixture.Clock.GetUtcNow().AddSeconds(10), item!.ExpiresAt);

        fixture.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong));
        foreach (var nodeId in await fixture.Cache.GetReplicasAsync(key))
        {
            Assert.Equal(NodeReadResult.Missing, await fixture.Node(nodeId).GetAsync(key));
        }
    }

    [Fact]
    public async Task HalfAGibibyteStoredOnAOneGibibyteNodeIsFiftyPercentUtilization()
    {
        // 512 entries each charged exactly 1 MiB; with three nodes and RF 3 every node holds them all.
        var keys = Enumerable.Range(0, 512).Select(i => $"{nameof(HalfAGibibyteStoredOnAOneGibibyteNodeIsFiftyPercentUtilization)}:{i:000}").ToArray();
        var value = new byte[(1 << 20) - BoundedStore.EntryOverheadBytes - 2 * keys[0].Length];
        var nodeIds = await fixture.NodeIdsAsync();
        var before = await Task.WhenAll(nodeIds.Select(id => fixture.Node(id).GetCountersAsync()));
        try
        {
            foreach (var key in keys)
            {
                await fixture.Cache.SetAsync(key, value, null, ConsistencyLevel.Strong);
            }

            var after = await Task.WhenAll(nodeIds.Select(id => fixture.Node(id).GetCountersAsync()));
            for (var i = 0; i < nodeIds.Length; i++)
            {
                Assert.Equal(0.5, (double)(after[i].Bytes - before[i].Bytes) / after[i].CapacityBytes);
            }

            // The coordinator learns the same numbers from the nodes' heartbeats.
            var nodes = await Eventually.MatchesAsync(
                fixture.Coordinator.GetNodesAsync,
                nodes => nodes.All(n => n.UsedBytes == after[Array.IndexOf(nodeIds, n.NodeId)].Bytes),
                "heartbeats to report the stored bytes");
            Assert.All(nodes, n => Assert.Equal((double)n.UsedBytes / (1L << 30), n.Utilization));
        }
        finally
        {
            foreach (var key in keys)
            {
                await fixture.Cache.RemoveAsync(key, ConsistencyLevel.Strong);
            }
        }
    }

    [Fact]
    public async Task StatsCountOperationsHitsAndMissesAcrossTheCluster()
    {
        var before = (await fixture.SettledStatsAsync()).Operations;
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Quorum);
        await fixture.Cache.GetAsync(key, ConsistencyLevel.Eventual);
        await fixture.Cache.GetAsync(TestKey.New(), ConsistencyLevel.Eventual);
        await fixture.Cache.RemoveAsync(key, ConsistencyLevel.Quorum);

        var stats = await fixture.SettledStatsAsync();

        Assert.Equal(before.Reads + 2, stats.Operations.Reads);
        Assert.Equal(before.Writes + 1, stats.Operations.Writes);
        Assert.Equal(before.Removes + 1, stats.Operations.Removes);
        Assert.Equal(before.Hits + 1, stats.Operations.Hits);
        Assert.Equal(before.Misses + 1, stats.Operations.Misses);
        Assert.Equal(3, stats.Nodes.Count);
        Assert.All(stats.Nodes, n => Assert.True(n.IsFresh));
        Assert.Equal(stats.Nodes.Sum(n => n.Store.Items), stats.Items);
    }
}
