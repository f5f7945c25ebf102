using System.Diagnostics;
using System.Text;

namespace DistCache.Silo;

/// <summary>
/// A short tour a newcomer can watch: writes and reads at each consistency level, invalidating routes
/// by tag, one node put into an outage, reads failing over to its replicas, and the cluster's statistics.
/// </summary>
internal sealed class Demo(IGrainFactory grains, TextWriter output)
{
    private const int KeysPerLevel = 200;

    private ICacheGrain Cache => grains.GetGrain<ICacheGrain>(0);

    private ICoordinatorGrain Coordinator => grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);

    public async Task RunAsync(TimeSpan heartbeatTimeout, CancellationToken cancellationToken)
    {
        foreach (var level in Enum.GetValues<ConsistencyLevel>())
        {
            await WriteAndReadAsync(level);
        }

        await InvalidateByTagAsync();

        var nodes = await Coordinator.GetNodesAsync();
        var victim = nodes[0].NodeId;
        var keysOnVictim = new List<string>();
        for (var i = 1; i < KeysPerLevel; i++)
        {
            if ((await Cache.GetReplicasAsync($"demo:Quorum:{i}"))[0] == victim)
            {
                keysOnVictim.Add($"demo:Quorum:{i}");
            }
        }

        output.WriteLine();
        output.WriteLine($"== Outage: node {NodeIds.Display(victim)} stops answering (it is the primary of {keysOnVictim.Count} demo keys)");
        await grains.GetGrain<INodeGrain>(victim).SimulateOutageAsync(true);

        var watch = Stopwatch.StartNew();
        var found = 0;
        foreach (var key in keysOnVictim)
        {
            found += await Cache.GetAsync(key, ConsistencyLevel.Eventual) is not null ? 1 : 0;
        }

        output.WriteLine($"   Eventual reads of its keys: {found}/{keysOnVictim.Count} found on replicas ({watch.ElapsedMilliseconds} ms)");
        await ShowLevelsUnderOutageAsync();

        output.WriteLine($"   Waiting for the coordinator to mark it Failed (heartbeat timeout {heartbeatTimeout.TotalSeconds:0} s)...");
        while (!cancellationToken.IsCancellationRequested &&
               (await Coordinator.GetNodesAsync()).Single(n => n.NodeId == victim).Status != NodeStatus.Failed)
        {
            await Task.Delay(250, cancellationToken);
        }

        output.WriteLine($"   Marked Failed after {watch.Elapsed.TotalSeconds:0.0} s; the ring now routes around it:");
        await NodeTable.PrintAsync(grains, output);
        await grains.GetGrain<INodeGrain>(victim).SimulateOutageAsync(false);

        var stats = await Coordinator.GetStatsAsync();
        output.WriteLine();
        output.WriteLine("== Cluster stats");
        output.WriteLine($"   operations: {stats.Operations.Reads} reads ({stats.Operations.Hits} hits, {stats.Operations.Misses} misses), " +
                         $"{stats.Operations.Writes} writes, {stats.Operations.Removes} removes, {stats.Operations.Failures} failed");
        output.WriteLine($"   failovers {stats.Failovers}, replication failures {stats.ReplicationFailures}, evictions {stats.Evictions}, " +
                         $"items {stats.Items} (all replicas), {NodeTable.FormatBytes(stats.Bytes)} used, utilization {stats.Utilization:P3}");
        output.WriteLine($"   convergence: {stats.Nodes.Sum(n => n.Store.Conflicts)} conflicts resolved, {stats.Operations.ReadRepairs} read repairs, " +
                         $"{stats.Nodes.Sum(n => n.Store.HintsDelivered)} hinted writes delivered, {stats.Nodes.Sum(n => n.Store.AntiEntropyRounds)} anti-entropy rounds " +
                         $"({NodeTable.FormatBytes(stats.Nodes.Sum(n => n.Store.AntiEntropyDigestBytes))} of digests, {stats.Nodes.Sum(n => n.Store.AntiEntropyEntries)} entries exchanged)");
        foreach (var node in stats.Nodes)
        {
            output.WriteLine($"   {NodeIds.Display(node.Node.NodeId),-24} {node.Node.Status,-9} reads {node.Store.Reads,5}  writes {node.Store.Writes,5}  " +
                             $"hits {node.Store.Hits,5}  failovers {node.Failovers,4}  repl. failures {node.ReplicationFailures,4}");
        }
    }

    private async Task WriteAndReadAsync(ConsistencyLevel level)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < KeysPerLevel; i++)
        {
            await Cache.SetAsync($"demo:{level}:{i}", Encoding.UTF8.GetBytes($"route {i} -> model-{i % 4}"), TimeSpan.FromMinutes(10), level);
        }

        var written = watch.Elapsed;
        var hits = 0;
        for (var i = 0; i < KeysPerLevel; i++)
        {
            hits += await Cache.GetAsync($"demo:{level}:{i}", level) is not null ? 1 : 0;
        }

        output.WriteLine($"== {level,-8}: wrote {KeysPerLevel} keys in {written.TotalMilliseconds:0} ms, read back {hits}/{KeysPerLevel} in {(watch.Elapsed - written).TotalMilliseconds:0} ms");
        await Cache.RemoveAsync($"demo:{level}:0", level);
        var afterRemove = await Cache.GetAsync($"demo:{level}:0", level);
        output.WriteLine($"   removed demo:{level}:0; reading it again gives {(afterRemove is null ? "nothing" : "a value (unexpected)")}");
    }

    private async Task InvalidateByTagAsync()
    {
        string[] models = ["model:gpt", "model:claude"];
        for (var i = 0; i < 100; i++)
        {
            await Cache.SetAsync($"demo:route:{i}", Encoding.UTF8.GetBytes($"prompt {i} -> {models[i % 2]}"), TimeSpan.FromMinutes(10), ConsistencyLevel.Quorum, [models[i % 2]]);
        }

        var result = await Cache.InvalidateTagAsync(models[0]);
        var left = new int[2];
        for (var i = 0; i < 100; i++)
        {
            left[i % 2] += await Cache.GetAsync($"demo:route:{i}", ConsistencyLevel.Quorum) is not null ? 1 : 0;
        }

        output.WriteLine($"== Tags    : 100 routes tagged by model; invalidating {models[0]} deleted {result.Deleted} replicas on {result.NodesReached} nodes; " +
                         $"routes left: {models[0]} {left[0]}/50, {models[1]} {left[1]}/50");
    }

    private async Task ShowLevelsUnderOutageAsync()
    {
        foreach (var level in Enum.GetValues<ConsistencyLevel>())
        {
            try
            {
                await Cache.SetAsync($"demo:outage:{level}", [1, 2, 3], null, level);
                output.WriteLine($"   {level,-8} write with one of three replicas down: acknowledged");
            }
            catch (DistCacheException error)
            {
                output.WriteLine($"   {level,-8} write with one of three replicas down: {error.GetType().Name}: {error.Message}");
            }
        }
    }
}
