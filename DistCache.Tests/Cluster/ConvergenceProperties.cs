using CsCheck;
using Xunit.Abstractions;

namespace DistCache.Tests.Cluster;

/// <summary>
/// Random interleavings of writes, deletes, node outages and recoveries against a real cluster: once
/// every node is back and the cluster is quiet, every replica of every key holds the same version and
/// value, and no acknowledged write (Strong ones included) was replaced by an older one.
/// </summary>
[Collection(AntiEntropyGroup.Name)]
public sealed class ConvergenceProperties(AntiEntropyCluster fixture, ITestOutputHelper output)
{
    private enum Kind { Set, Remove, OutageStart, OutageEnd }

    private sealed record Op(Kind Kind, int Key, int Node, ConsistencyLevel Level, byte Value);

    private static readonly Gen<Op> Ops =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 4], Gen.Int[0, 5], Gen.Enum<ConsistencyLevel>(), Gen.Byte)
            .Select(o => new Op(o.Item1 switch { < 5 => Kind.Set, < 7 => Kind.Remove, < 9 => Kind.OutageStart, _ => Kind.OutageEnd }, o.Item2, o.Item3, o.Item4, o.Item5));

    [Fact]
    public async Task EveryReplicaOfEveryKeyConvergesOnANewestWinner()
    {
        var nodes = await fixture.NodeIdsAsync();
        await Gen.Select(Ops.Array[10, 40], Ops.Array[10, 40]).SampleAsync(
            async (left, right) => await RunAsync(nodes, left, right),
            writeLine: output.WriteLine,
            time: 30,
            threads: 1);
    }

    private async Task RunAsync(string[] nodes, Op[] left, Op[] right)
    {
        var prefix = TestKey.New();
        var acknowledged = new List<(string Key, CacheVersion Version, ConsistencyLevel Level)>();
        try
        {
            // Two clients at once, each running its own sequence.
            await Task.WhenAll(RunLaneAsync(prefix, nodes, left, acknowledged), RunLaneAsync(prefix, nodes, right, acknowledged));
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => fixture.Node(n).SimulateOutageAsync(false)));
        }

        var keys = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToArray();
        foreach (var key in keys)
        {
            var held = await Eventually.MatchesAsync(
                () => Replicas.HeldAsync(fixture, key),
                all => all.All(h => h.Version == all[0].Version && (h.Value ?? []).SequenceEqual(all[0].Value ?? [])),
                $"every replica of {key} to hold the same version",
                TimeSpan.FromSeconds(30));

            foreach (var ack in acknowledged.Where(a => a.Key == key))
            {
                Assert.True(held[0].Version >= ack.Version, $"{ack.Level} write {ack.Version} of {key} was replaced by the older {held[0].Version}");
            }
        }
    }

    private async Task RunLaneAsync(string prefix, string[] nodes, Op[] ops, List<(string, CacheVersion, ConsistencyLevel)> acknowledged)
    {
        foreach (var op in ops)
        {
            var key = $"{prefix}-{op.Key}";
            try
            {
                CacheVersion? version = op.Kind switch
                {
                    Kind.Set => await fixture.Cache.SetAsync(key, [op.Value], null, op.Level),
                    Kind.Remove => await fixture.Cache.RemoveAsync(key, op.Level),
                    _ => null,
                };
                if (version is { } acked)
                {
                    lock (acknowledged)
                    {
                        acknowledged.Add((key, acked, op.Level));
                    }
                }
                else
                {
                    await fixture.Node(nodes[op.Node]).SimulateOutageAsync(op.Kind == Kind.OutageStart);
                }
            }
            catch (DistCacheException)
            {
                // Too many replicas in outage for this level: not acknowledged, so nothing is promised.
            }
        }
    }
}
