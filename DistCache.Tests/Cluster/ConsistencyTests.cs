namespace DistCache.Tests.Cluster;

/// <summary>
/// What each consistency level promises when replicas fail before the coordinator notices
/// (the nodes are in a simulated outage; the topology still lists them Active, RF stays 3).
/// </summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class ConsistencyTests(ThreeSiloCluster fixture)
{
    private static readonly byte[] Value = [7, 7, 7];

    /// <summary>Fails the primary first, then the next replica: the hardest cases for each level.</summary>
    private async Task<(string Key, string[] Replicas, NodeOutage Outage)> KeyWithFailedReplicasAsync(int failed, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var key = TestKey.New(test);
        var replicas = (await fixture.Cache.GetReplicasAsync(key)).ToArray();
        Assert.Equal(3, replicas.Length);
        return (key, replicas, await NodeOutage.StartAsync(fixture, replicas.Take(failed)));
    }

    [Theory]
    [InlineData(ConsistencyLevel.Eventual, 0, 0)]
    [InlineData(ConsistencyLevel.Eventual, 1, 0)]
    [InlineData(ConsistencyLevel.Eventual, 2, 0)]
    [InlineData(ConsistencyLevel.Quorum, 0, 0)]
    [InlineData(ConsistencyLevel.Quorum, 1, 0)]
    [InlineData(ConsistencyLevel.Quorum, 2, 2)]
    [InlineData(ConsistencyLevel.Strong, 0, 0)]
    [InlineData(ConsistencyLevel.Strong, 1, 3)]
    [InlineData(ConsistencyLevel.Strong, 2, 3)]
    public async Task WritesSucceedOnlyWhenTheLevelCanBeMet(ConsistencyLevel level, int failed, int requiredWhenRefused)
    {
        var (key, replicas, outage) = await KeyWithFailedReplicasAsync(failed);
        await using (outage)
        {
            if (requiredWhenRefused == 0)
            {
                var version = await fixture.Cache.SetAsync(key, Value, null, level);

                // Every replica that is up holds the write once it settles (Eventual finishes in the background).
                foreach (var up in replicas.Skip(failed))
                {
                    await Eventually.TrueAsync(async () => (await fixture.Node(up).GetAsync(key)).Version == version, $"replica {up} to apply the write");
                }
            }
            else
            {
                var error = await Assert.ThrowsAsync<QuorumNotReachedException>(() => fixture.Cache.SetAsync(key, Value, null, level));
                Assert.Equal(level, error.Level);
                Assert.Equal(requiredWhenRefused, error.Required);
                Assert.Equal(3 - failed, error.Acknowledged);
                Assert.Equal(3, error.Replicas);
                Assert.Contains($"needed {requiredWhenRefused} of 3 replica acks and got {3 - failed}", error.Message);
            }
        }
    }

    [Theory]
    [InlineData(ConsistencyLevel.Eventual, 0, true)]
    [InlineData(ConsistencyLevel.Eventual, 1, true)]
    [InlineData(ConsistencyLevel.Eventual, 2, true)]
    [InlineData(ConsistencyLevel.Quorum, 0, true)]
    [InlineData(ConsistencyLevel.Quorum, 1, true)]
    [InlineData(ConsistencyLevel.Quorum, 2, false)]
    [InlineData(ConsistencyLevel.Strong, 0, true)]
    [InlineData(ConsistencyLevel.Strong, 1, false)]
    [InlineData(ConsistencyLevel.Strong, 2, false)]
    public async Task ReadsSucceedOnlyWhenTheLevelCanBeMet(ConsistencyLevel level, int failed, bool succeeds)
    {
        var key = TestKey.New(suffix: $"{level}{failed}");
        var replicas = await fixture.Cache.GetReplicasAsync(key);
        var version = await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Strong);

        await using (await NodeOutage.StartAsync(fixture, replicas.Take(failed)))
        {
            if (succeeds)
            {
                var item = await fixture.Cache.GetAsync(key, level);
                Assert.Equal(version, item!.Version);
            }
            else
            {
                var error = await Assert.ThrowsAsync<QuorumNotReachedException>(() => fixture.Cache.GetAsync(key, level));
                Assert.Equal(3 - failed, error.Acknowledged);
            }
        }
    }

    [Theory]
    [InlineData(ConsistencyLevel.Eventual)]
    [InlineData(ConsistencyLevel.Quorum)]
    [InlineData(ConsistencyLevel.Strong)]
    public async Task WithEveryReplicaDownOperationsFailWithAllReplicasFailed(ConsistencyLevel level)
    {
        var (key, _, outage) = await KeyWithFailedReplicasAsync(3);
        await using (outage)
        {
            var write = await Assert.ThrowsAsync<AllReplicasFailedException>(() => fixture.Cache.SetAsync(key, Value, null, level));
            Assert.Equal(3, write.Replicas);
            Assert.Contains("simulated outage", write.Message);
            await Assert.ThrowsAsync<AllReplicasFailedException>(() => fixture.Cache.GetAsync(key, level));
            await Assert.ThrowsAsync<AllReplicasFailedException>(() => fixture.Cache.RemoveAsync(key, level));
        }
    }

    [Fact]
    public async Task ReadsFailOverFromAFailedPrimaryToItsReplicasAndAreCounted()
    {
        var key = TestKey.New();
        var replicas = await fixture.Cache.GetReplicasAsync(key);
        await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Strong);
        var before = (await fixture.SettledStatsAsync()).Nodes.Single(n => n.Node.NodeId == replicas[0]).Failovers;

        await using (await NodeOutage.StartAsync(fixture, replicas[0]))
        {
            Assert.Equal(Value, (await fixture.Cache.GetAsync(key, ConsistencyLevel.Eventual))!.Value);
        }

        var after = await fixture.SettledStatsAsync();
        Assert.Equal(before + 1, after.Nodes.Single(n => n.Node.NodeId == replicas[0]).Failovers);
    }

    [Fact]
    public async Task AStaleReplicaNeverOverwritesANewerValue()
    {
        var (key, replicas, old, newer) = await Replicas.WithStalePrimaryAsync(fixture);

        // Replaying the stale value onto an up-to-date replica (a late or repeated message) changes nothing.
        var replay = await fixture.Node(replicas[1]).SetAsync(key, [1], old, 0, null);
        Assert.False(replay.Applied);
        Assert.Equal(newer, replay.Current);

        // A quorum read sees both versions and returns the newer, whatever the stale primary says.
        for (var i = 0; i < 10; i++)
        {
            var item = await fixture.Cache.GetAsync(key, ConsistencyLevel.Quorum);
            Assert.Equal([2], item!.Value);
            Assert.Equal(newer, item.Version);
        }
    }

    [Fact]
    public async Task AFailedWriteReportsReplicationFailuresAgainstTheNodesThatMissedIt()
    {
        var (key, replicas, outage) = await KeyWithFailedReplicasAsync(1);
        var before = (await fixture.SettledStatsAsync()).Nodes.Single(n => n.Node.NodeId == replicas[0]).ReplicationFailures;
        await using (outage)
        {
            await fixture.Cache.SetAsync(key, Value, null, ConsistencyLevel.Quorum);
        }

        var after = await fixture.SettledStatsAsync();
        Assert.Equal(before + 1, after.Nodes.Single(n => n.Node.NodeId == replicas[0]).ReplicationFailures);
    }
}
