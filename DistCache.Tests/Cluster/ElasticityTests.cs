using System.Diagnostics;
using Xunit.Abstractions;

namespace DistCache.Tests.Cluster;

/// <summary>Silos die, join and leave under load, and no acknowledged write is lost. Each test runs its own cluster.</summary>
public sealed class ElasticityTests(ITestOutputHelper output)
{
    private static async Task AssertAllReadableAsync(ICacheGrain cache, IReadOnlyDictionary<string, Acknowledged> acknowledged, ConsistencyLevel level)
    {
        foreach (var (key, acked) in acknowledged)
        {
            var item = await cache.GetAsync(key, level);
            Assert.True(item is not null, $"acknowledged key {key} was lost");
            Assert.Equal(acked.Value, item.Value);
        }
    }

    [Fact]
    public async Task KillingASiloDuringQuorumWritesLosesNoAcknowledgedWrite()
    {
        var cluster = await ElasticCluster.StartAsync(silos: 4);
        try
        {
            var coordinatorSilo = (await cluster.Coordinator.GetStatsAsync()).CoordinatorSilo;
            var victim = cluster.Cluster.Silos.First(s => s.SiloAddress.ToParsableString() != coordinatorSilo);
            TimeSpan killedAt;
            await using (var writes = new Workload(cluster.Cache, ConsistencyLevel.Quorum, workers: 8, "quorum"))
            {
                await writes.AcknowledgeMoreAsync(500);
                killedAt = writes.Elapsed;
                await cluster.Cluster.KillSiloAsync(victim);
                await writes.AcknowledgeMoreAsync(500);
                output.WriteLine($"writes unavailable after the kill: {writes.LongestOutageAfter(killedAt).TotalMilliseconds:0} ms; failed writes: {writes.Failures}");
                await writes.DisposeAsync();

                await cluster.WaitForTopologyAsync(nodes => nodes.Count(n => n.Status != NodeStatus.Failed) == 3);
                var watch = Stopwatch.StartNew();
                var replication = await cluster.WaitForReplicasAsync(writes.Acknowledged, "every key to be on 2 owners on 2 silos");
                output.WriteLine($"re-replication: every key on 2+ owners {watch.ElapsedMilliseconds} ms after the ring changed; {replication}");

                await AssertAllReadableAsync(cluster.Cache, writes.Acknowledged, ConsistencyLevel.Quorum);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task AClientReadingStraightFromTheNodesSeesEveryValueThroughASiloKill()
    {
        // A short hand-off window, so direct Quorum reads are on soon after start and after the kill.
        var cluster = await ElasticCluster.StartAsync(silos: 4, handoffReadWindow: TimeSpan.FromSeconds(2));
        try
        {
            var keys = await Workload.WriteAsync(cluster.Cache, ConsistencyLevel.Strong, "direct", 300);
            await using var services = Client.ClientFactory.Services(cluster);
            var client = (DistCache.Client.DistCacheClient)Client.ClientFactory.Cache(services);
            await Eventually.TrueAsync(
                async () => !(await cluster.Cache.GetReadRoutingAsync()).InHandoff && await client.GetBytesAsync(keys.Keys.First(), ConsistencyLevel.Quorum) is not null
                    && client.NodeReadCounters!.Direct > 0,
                "the client to read straight from the nodes");

            var (wrong, failed) = (new System.Collections.Concurrent.ConcurrentBag<string>(), 0);
            using var stop = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
            {
                for (var i = r; !stop.IsCancellationRequested; i++)
                {
                    var (key, acked) = keys.ElementAt(i % keys.Count);
                    try
                    {
                        if (await client.GetBytesAsync(key, ConsistencyLevel.Quorum) is not { } value || !value.AsSpan().SequenceEqual(acked.Value))
                        {
                            wrong.Add(key);
                        }
                    }
                    catch (DistCacheException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })).ToArray();

            var before = client.NodeReadCounters!;
            var coordinatorSilo = (await cluster.Coordinator.GetStatsAsync()).CoordinatorSilo;
            await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos.First(s => s.SiloAddress.ToParsableString() != coordinatorSilo));
            await cluster.WaitForTopologyAsync(nodes => nodes.Count(n => n.Status != NodeStatus.Failed) == 3);

            // Until the client and every silo route with the new ring, and through its hand-off window, reads fall back; then direct again.
            var afterKill = client.NodeReadCounters!;
            await Eventually.TrueAsync(() => Task.FromResult(client.NodeReadCounters!.Direct > afterKill.Direct + 1_000), "direct reads to resume on the new ring");
            await stop.CancelAsync();
            await Task.WhenAll(readers);

            var after = client.NodeReadCounters!;
            output.WriteLine($"direct reads {after.Direct - before.Direct} ({after.Rerouted - before.Rerouted} around the stopped silo), fell back {after.FellBack - before.FellBack}, failed {failed}, wrong or missing {wrong.Count}");
            Assert.Empty(wrong);
            Assert.True(after.FellBack > before.FellBack, "the ring change must have sent reads through the entry grain");
            Assert.True(after.Rerouted > before.Rerouted, "reads must have gone around the stopped silo's nodes before the ring dropped them");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddingASiloKeepsEveryKeyReadableAndMovesAboutOneNth()
    {
        var cluster = await ElasticCluster.StartAsync(silos: 3);
        try
        {
            var keys = await Workload.WriteAsync(cluster.Cache, ConsistencyLevel.Quorum, "join", 2_000);

            var joined = await cluster.Cluster.StartAdditionalSiloAsync();
            var newNode = DistCache.NodeIds.Create(joined.SiloAddress, 0);

            // Read everything while the new node fills up and the displaced owners drop what moved:
            // no key may go missing mid-move.
            // (Not Eventually: that would retry past a miss, and a miss must fail the test at once.)
            var moving = Stopwatch.StartNew();
            while (true)
            {
                await AssertAllReadableAsync(cluster.Cache, keys, ConsistencyLevel.Eventual);
                var counters = await Task.WhenAll((await cluster.NodeIdsAsync()).Select(id => cluster.Node(id).GetCountersAsync()));
                if (counters.Sum(c => c.Dropped) > 0 && (await cluster.Node(newNode).GetCountersAsync()).Items > 0)
                {
                    break;
                }

                Assert.True(moving.Elapsed < TimeSpan.FromSeconds(60), "the move did not finish within 60 s");
            }

            output.WriteLine(await cluster.WaitForReplicasAsync(keys, "every key to be on 2 owners on 2 silos after the join"));
            await AssertAllReadableAsync(cluster.Cache, keys, ConsistencyLevel.Quorum);
            var after = await Task.WhenAll((await cluster.NodeIdsAsync()).Select(id => cluster.Node(id).GetCountersAsync()));
            var copies = keys.Count * 3.0;
            var movedFraction = after.Sum(c => c.Dropped) / copies;
            output.WriteLine($"join: {after.Sum(c => c.Dropped)} of {copies} replica copies moved ({movedFraction:P1}); the new node holds {(await cluster.Node(newNode).GetCountersAsync()).Items} keys");
            Assert.InRange(movedFraction, 0.18, 0.32);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StoppingASiloGracefullyUnderEventualWritesLosesNothing()
    {
        // One replica per key: every key on the leaving silo survives only if it is handed off.
        var cluster = await ElasticCluster.StartAsync(silos: 4, replicationFactor: 1);
        try
        {
            var coordinatorSilo = (await cluster.Coordinator.GetStatsAsync()).CoordinatorSilo;
            var leaving = cluster.Cluster.Silos.First(s => s.SiloAddress.ToParsableString() != coordinatorSilo);
            var leavingNode = DistCache.NodeIds.Create(leaving.SiloAddress, 0);
            await using (var writes = new Workload(cluster.Cache, ConsistencyLevel.Eventual, workers: 8, "leave"))
            {
                await writes.AcknowledgeMoreAsync(1_000);
                var held = (await cluster.Node(leavingNode).GetCountersAsync()).Items;
                await cluster.Cluster.StopSiloAsync(leaving);
                await writes.AcknowledgeMoreAsync(500);
                await writes.DisposeAsync();
                output.WriteLine($"the leaving node held {held} keys; failed writes during the leave: {writes.Failures}");
                Assert.True(held > 0);

                await cluster.WaitForTopologyAsync(nodes => nodes.Count == 3);
                await AssertAllReadableAsync(cluster.Cache, writes.Acknowledged, ConsistencyLevel.Eventual);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheDataPathKeepsServingWhenTheCoordinatorsSiloDies()
    {
        var cluster = await ElasticCluster.StartAsync(silos: 4);
        try
        {
            var keys = await Workload.WriteAsync(cluster.Cache, ConsistencyLevel.Quorum, "coordinator", 500);

            var before = await cluster.Coordinator.GetStatsAsync();
            var host = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == before.CoordinatorSilo);
            await cluster.Cluster.KillSiloAsync(host);

            // Straight away, before any new coordinator exists: reads and writes go on from the cached topology.
            await AssertAllReadableAsync(cluster.Cache, keys, ConsistencyLevel.Eventual);
            await cluster.Cache.SetAsync(TestKey.New(), [1], null, ConsistencyLevel.Quorum);

            var after = await Eventually.MatchesAsync(
                cluster.Coordinator.GetNodesAsync,
                nodes => nodes.Count(n => n.Status == NodeStatus.Active) == 3,
                "a new coordinator to rebuild its registry from the surviving silos");
            Assert.DoesNotContain(after, n => n.Silo == before.CoordinatorSilo && n.Status != NodeStatus.Failed);
            Assert.NotEqual(before.CoordinatorSilo, (await cluster.Coordinator.GetStatsAsync()).CoordinatorSilo);

            output.WriteLine(await cluster.WaitForReplicasAsync(keys, "every key to be back on 2 owners on 2 silos"));
            await AssertAllReadableAsync(cluster.Cache, keys, ConsistencyLevel.Quorum);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task ANodeThatLostItsActivationNeverServesAndItsKeysAreReplicatedElsewhere()
    {
        var cluster = await ElasticCluster.StartAsync(silos: 4);
        try
        {
            var keys = await Workload.WriteAsync(cluster.Cache, ConsistencyLevel.Quorum, "amnesia", 500);

            // What Orleans does when the silo holding a node's directory entry dies: the activation goes.
            var victim = (await cluster.NodeIdsAsync())[0];
            Assert.True((await cluster.Node(victim).GetCountersAsync()).Items > 0);
            await cluster.Cluster.DeactivateAsync(cluster.Node(victim));

            // Its next activation has an empty store: it must refuse rather than answer "not found".
            var error = await Assert.ThrowsAsync<NodeUnavailableException>(() => cluster.Node(victim).GetAsync(keys.Keys.First()));
            Assert.Contains("lost its data", error.Message);
            await cluster.WaitForTopologyAsync(nodes => nodes.All(n => n.NodeId != victim));

            output.WriteLine(await cluster.WaitForReplicasAsync(keys, "the lost node's keys to be back on 2 owners on 2 silos"));
            await AssertAllReadableAsync(cluster.Cache, keys, ConsistencyLevel.Quorum);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
