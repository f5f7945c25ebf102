using DistCache.Client;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DistCache.Tests.Processes;

/// <summary>
/// Silos as real processes with Redis membership, and a real crash: kill -9, no shutdown hook, no
/// goodbye. Only here does failure detection run as in production.
/// </summary>
public sealed class RealProcessTests(ITestOutputHelper output)
{
    private const int Silos = 3;
    private const int NodesPerSilo = 2;

    [SkippableFact]
    public async Task KillingASiloProcessLosesNoAcknowledgedQuorumWriteAndReadsResume()
    {
        // Anti-entropy every 2 s rather than 30: it repairs owners that missed a write before the crash.
        using var cluster = await ProcessCluster.StartAsync(Silos, NodesPerSilo, "--DistCache:AntiEntropyInterval", "00:00:02");
        var (silos, grains, cache, coordinator) = (cluster.Silos, cluster.Grains, cluster.Cache, cluster.Coordinator);
        try
        {
            var victim = silos[^1];
            var victimSilo = (await coordinator.GetNodesAsync()).Select(n => n.Silo).Distinct().Order().Last();
            await using var writes = new Workload(cache, ConsistencyLevel.Quorum, workers: 8, "crash");
            await writes.AcknowledgeMoreAsync(1_000);
            var sample = writes.Acknowledged.Keys.Take(500).ToArray();
            var reads = new Timeline();
            using var stopReading = new CancellationTokenSource();
            var reader = ReadContinuouslyAsync(cache, sample, reads, stopReading.Token);

            var killedAt = writes.Elapsed;
            var readsKilledAt = reads.Now;
            KillSiloHosting(silos, victimSilo, victim);
            await Eventually.MatchesAsync(
                coordinator.GetNodesAsync,
                nodes => nodes.Where(n => n.Silo == victimSilo).All(n => n.Status == NodeStatus.Failed),
                "the coordinator to mark the killed silo's nodes Failed", TimeSpan.FromSeconds(60));
            var detectedAfter = writes.Elapsed - killedAt;

            await writes.AcknowledgeMoreAsync(1_000);
            await writes.DisposeAsync();
            await stopReading.CancelAsync();
            await reader;

            // What a crash must not break: every acknowledged key on at least two owners, on two silos, so it
            // survives the next silo loss too; then, with owners that missed a write repaired by hints and
            // anti-entropy, every key back on all 3 replicas.
            var rereplicationStart = writes.Elapsed;
            await ReplicaCheck.WaitForAllAsync(grains, writes.Acknowledged, 3, "every key to be on 2 owners on 2 silos", TimeSpan.FromSeconds(60), holding: 2);
            var durableAfter = writes.Elapsed - rereplicationStart;
            await ReplicaCheck.WaitForAllAsync(grains, writes.Acknowledged, 3, "every key to be back to 3 replicas", TimeSpan.FromSeconds(60));
            var fullReplication = $"all back to 3 replicas {(writes.Elapsed - rereplicationStart).TotalMilliseconds:0} ms after the writes stopped";
            output.WriteLine($"killed silo {victimSilo}: its nodes Failed after {detectedAfter.TotalMilliseconds:0} ms; " +
                             $"reads unavailable for {reads.LongestOutageAfter(readsKilledAt).TotalMilliseconds:0} ms ({reads.Failures} failed of {reads.Failures + reads.Successes}); " +
                             $"writes unavailable for {writes.LongestOutageAfter(killedAt).TotalMilliseconds:0} ms ({writes.Failures} failed); " +
                             $"longest wait after the kill: read {reads.LongestSuccessAfter(readsKilledAt).TotalMilliseconds:0} ms, write {writes.LongestSuccessAfter(killedAt).TotalMilliseconds:0} ms; " +
                             $"{writes.Acknowledged.Count} keys on 2+ owners on 2 silos {durableAfter.TotalMilliseconds:0} ms after the writes stopped, {fullReplication}");

            Assert.Empty(reads.MissingKeys);
            foreach (var (key, acked) in writes.Acknowledged)
            {
                var item = await cache.GetAsync(key, ConsistencyLevel.Quorum);
                Assert.True(item is not null, $"acknowledged key {key} was lost");
                Assert.Equal(acked.Value, item.Value);
            }

            // The coordinator (perhaps a new one, if it lived on the killed silo) lists exactly the survivors.
            var nodes = await Eventually.MatchesAsync(coordinator.GetNodesAsync, n => n.Count(x => x.Status != NodeStatus.Failed) == (Silos - 1) * NodesPerSilo,
                "the surviving nodes to be listed");
            Assert.DoesNotContain(nodes, n => n.Silo == victimSilo && n.Status != NodeStatus.Failed);
        }
        catch (Exception) when (Dump(silos))
        {
            throw;
        }
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KillingASiloProcessUnderTheClientLosesNoAcknowledgedWriteAndItGoesStraightToTheNodesAgain(bool dataPort)
    {
        // A short hand-off window: the client's direct Quorum reads pause for it after every ring change.
        using var cluster = await ProcessCluster.StartAsync(
            Silos, NodesPerSilo, "--DistCache:AntiEntropyInterval", "00:00:02", "--DistCache:HandoffReadWindow", "00:00:05");
        await using var services = new ServiceCollection()
            .AddSingleton(cluster.Grains)
            .AddDistCacheClient(o =>
            {
                o.DefaultConsistency = ConsistencyLevel.Quorum;
                o.RoutingRefreshInterval = TimeSpan.FromMilliseconds(250); // Learns of the failure soon after the silos do.
                o.UseDataPort = dataPort;
            })
            .BuildServiceProvider();
        var cache = services.GetRequiredService<IDistCache>();
        var client = (DistCacheClient)cache;
        var silos = cluster.Silos;
        try
        {
            // Not the coordinator's silo: a new coordinator rebuilds first (seconds), which would hide how soon the client reacts.
            var coordinatorSilo = (await cluster.Coordinator.GetStatsAsync()).CoordinatorSilo;
            var victimSilo = (await cluster.Coordinator.GetNodesAsync()).Select(n => n.Silo).Distinct().Order().Last(s => s != coordinatorSilo);
            await using var writes = new Workload((key, value) => cache.SetBytesAsync(key, value), workers: 8, "client-crash");
            await writes.AcknowledgeMoreAsync(1_000);
            var sample = writes.Acknowledged.Keys.Take(500).ToArray();
            await GoesDirectAsync(cache, client, sample[0], "before the kill");
            var reads = new Timeline();
            using var stopReading = new CancellationTokenSource();
            var reader = ReadContinuouslyAsync(async key => await cache.GetBytesAsync(key) is not null, sample, reads, stopReading.Token);

            var (readsKilledAt, writesKilledAt) = (reads.Now, writes.Elapsed);
            KillSiloHosting(silos, victimSilo, silos[^1]);
            await Eventually.MatchesAsync(
                cluster.Coordinator.GetNodesAsync,
                nodes => nodes.Where(n => n.Silo == victimSilo).All(n => n.Status == NodeStatus.Failed),
                "the coordinator to mark the killed silo's nodes Failed", TimeSpan.FromSeconds(60));
            await writes.AcknowledgeMoreAsync(1_000);
            var (readsBefore, writesBefore) = (client.NodeReadCounters!, client.NodeWriteCounters!);
            await GoesDirectAsync(cache, client, sample[0], "once the ring settled");
            await writes.DisposeAsync();
            await stopReading.CancelAsync();
            await reader;

            output.WriteLine($"reads unavailable for {reads.LongestOutageAfter(readsKilledAt).TotalMilliseconds:0} ms ({reads.Failures} failed of {reads.Failures + reads.Successes}); " +
                             $"{writes.Failures} writes failed; longest wait after the kill: read {reads.LongestSuccessAfter(readsKilledAt).TotalMilliseconds:0} ms, " +
                             $"write {writes.LongestSuccessAfter(writesKilledAt).TotalMilliseconds:0} ms; failed over when the routing found the nodes Failed: {client.AbandonedOperations}, " +
                             $"when the data port connection dropped: {client.DataPortCounters!.CallsLost}; resent to the entry grain: {client.ResentOperations}; " +
                             $"through the entry grain after the kill: {client.NodeReadCounters!.FellBack - readsBefore.FellBack} reads, {client.NodeWriteCounters!.FellBack - writesBefore.FellBack} writes");
            Assert.Empty(reads.MissingKeys);
            Assert.True(client.NodeWriteCounters.Direct > writesBefore.Direct, "writes must go to the primaries again");

            // Calls in flight to the dead silo, or through its gateway, are never answered, and Orleans does not fail
            // them before its response timeout (5 s here, past the operation timeout). The client fails them over
            // as soon as it has evidence: the silo's data port connection drops, Orleans refuses a call to it, or
            // the routing finds its nodes Failed. So no operation fails across the kill.
            Assert.Equal(0, writes.Failures);
            Assert.Equal(0, reads.Failures);
            Assert.Equal(dataPort, client.DataPortCounters.Frames > 0);

            await ReplicaCheck.WaitForAllAsync(cluster.Grains, writes.Acknowledged, 3, "every key to be on 2 owners on 2 silos", TimeSpan.FromSeconds(60), holding: 2);
            foreach (var (key, acked) in writes.Acknowledged)
            {
                Assert.Equal(acked.Value, await cache.GetBytesAsync(key));
            }
        }
        catch (Exception) when (Dump(silos))
        {
            throw;
        }
    }

    [SkippableFact]
    public async Task StoppingASiloProcessWithSigtermHandsOffEveryKeyEvenAtEventual()
    {
        // One replica per key: what the stopping silo holds survives only if it hands it off.
        using var cluster = await ProcessCluster.StartAsync(Silos, NodesPerSilo, "--DistCache:ReplicationFactor", "1");
        var (silos, cache) = (cluster.Silos, cluster.Cache);
        try
        {
            await using var writes = new Workload(cache, ConsistencyLevel.Eventual, workers: 8, "sigterm");
            await writes.AcknowledgeMoreAsync(1_000);
            var leaving = silos[^1];
            await leaving.TerminateAsync(TimeSpan.FromSeconds(30));
            await writes.AcknowledgeMoreAsync(500);
            await writes.DisposeAsync();

            var handedOff = leaving.Output.Split('\n').FirstOrDefault(l => l.Contains("left the cache", StringComparison.Ordinal));
            output.WriteLine($"{handedOff?.Trim()}; writes failed during the leave: {writes.Failures}");
            Assert.NotNull(handedOff);
            foreach (var (key, acked) in writes.Acknowledged)
            {
                var item = await cache.GetAsync(key, ConsistencyLevel.Eventual);
                Assert.True(item is not null, $"acknowledged key {key} was lost");
                Assert.Equal(acked.Value, item.Value);
            }
        }
        catch (Exception) when (Dump(silos))
        {
            throw;
        }
    }

    /// <summary>Kills the process hosting <paramref name="silo"/>, found by the port its ready line printed.</summary>
    private static void KillSiloHosting(List<ChildProcess> silos, string silo, ChildProcess fallback)
    {
        var port = silo[(silo.IndexOf(':') + 1)..silo.IndexOf('@')];
        (silos.FirstOrDefault(s => s.Output.Contains($":{port} (", StringComparison.Ordinal)) ?? fallback).Kill();
    }

    /// <summary>Waits until a Quorum read of <paramref name="key"/> is answered straight by the nodes.</summary>
    private static Task GoesDirectAsync(IDistCache cache, DistCacheClient client, string key, string when) =>
        Eventually.TrueAsync(async () =>
        {
            var direct = client.NodeReadCounters!.Direct;
            await cache.GetBytesAsync(key);
            return client.NodeReadCounters.Direct > direct;
        }, $"the client to read straight from the nodes {when}", TimeSpan.FromSeconds(60));

    /// <summary>Quorum reads, which promise the newest acknowledged value; Eventual reads may find a replica that missed it.</summary>
    private static Task ReadContinuouslyAsync(ICacheGrain cache, string[] keys, Timeline timeline, CancellationToken stop) =>
        ReadContinuouslyAsync(async key => await cache.GetAsync(key, ConsistencyLevel.Quorum) is not null, keys, timeline, stop);

    private static async Task ReadContinuouslyAsync(Func<string, Task<bool>> found, string[] keys, Timeline timeline, CancellationToken stop)
    {
        // Bounded: at most 200k reads even if the test forgets to stop it.
        for (var i = 0; i < 200_000 && !stop.IsCancellationRequested; i++)
        {
            var key = keys[i % keys.Length];
            var started = timeline.Now;
            try
            {
                if (await found(key))
                {
                    timeline.Succeeded(started);
                }
                else
                {
                    timeline.Failed();
                    timeline.Missing(key);
                }
            }
            catch (Exception)
            {
                timeline.Failed();
            }
        }
    }

    private bool Dump(IEnumerable<ChildProcess> silos)
    {
        foreach (var silo in silos)
        {
            output.WriteLine($"--- {silo.Name} (exited: {silo.HasExited}) ---\n{silo.Output}");
        }

        return false;
    }
}
