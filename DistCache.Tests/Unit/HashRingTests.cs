using DistCache.Placement;

namespace DistCache.Tests.Unit;

public sealed class HashRingTests
{
    private const int VirtualNodes = 256;
    private static readonly string[] Keys = Enumerable.Range(0, 100_000).Select(i => $"route:{i}").ToArray();

    private static RingNode[] Nodes(int count, int silos) =>
        Enumerable.Range(0, count).Select(i => new RingNode($"node-{i}", $"silo-{i % silos}")).ToArray();

    [Fact]
    public void KeyHashIsTheSameInEveryProcess()
    {
        // Pinned values: if they change, silos built from different versions route keys differently.
        Assert.Equal(0x67D24ACC9A994FEAUL, KeyHash.Of("abc"));
        Assert.Equal(KeyHash.Of("route:42"), KeyHash.Of(new string("route:42".ToCharArray())));
    }

    [Fact]
    public void HundredThousandKeysSpreadWithinTenPercentOfEvenOverFiveNodes()
    {
        var ring = new HashRing(Nodes(5, 5), VirtualNodes);
        var counts = Keys.GroupBy(k => ring.GetReplicas(k, 1)[0].NodeId).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(5, counts.Count);
        var even = Keys.Length / 5.0;
        Assert.All(counts.Values, count => Assert.InRange(count, even * 0.9, even * 1.1));
    }

    [Fact]
    public void RemovingANodeMovesOnlyTheKeysThatInvolvedIt()
    {
        var nodes = Nodes(5, 5);
        var before = new HashRing(nodes, VirtualNodes);
        var after = new HashRing(nodes.Where(n => n.NodeId != "node-2"), VirtualNodes);

        var movedPrimaries = 0;
        foreach (var key in Keys)
        {
            var oldReplicas = before.GetReplicas(key, 3).Select(n => n.NodeId).ToArray();
            var newReplicas = after.GetReplicas(key, 3).Select(n => n.NodeId).ToArray();
            if (!oldReplicas.Contains("node-2"))
            {
                Assert.Equal(oldReplicas, newReplicas);
            }
            else
            {
                // Survivors keep their order; the removed node's place is taken by the next one.
                Assert.Equal(oldReplicas.Where(n => n != "node-2"), newReplicas.Take(2));
            }

            if (oldReplicas[0] != newReplicas[0])
            {
                Assert.Equal("node-2", oldReplicas[0]);
                movedPrimaries++;
            }
        }

        // About 1/5 of the primaries moved: the ones node-2 owned.
        Assert.InRange(movedPrimaries, Keys.Length * 0.18, Keys.Length * 0.22);
    }

    [Fact]
    public void ReplicasAreDistinctNodesOnDistinctSilosWhenThereAreEnoughSilos()
    {
        var ring = new HashRing(Nodes(6, 3), VirtualNodes);
        foreach (var key in Keys.Take(5_000))
        {
            var replicas = ring.GetReplicas(key, 3);
            Assert.Equal(3, replicas.Select(r => r.NodeId).Distinct().Count());
            Assert.Equal(3, replicas.Select(r => r.Silo).Distinct().Count());
        }
    }

    [Fact]
    public void ReplicasFillUpWithDistinctNodesWhenSilosAreFewerThanReplicas()
    {
        var ring = new HashRing(Nodes(4, 2), VirtualNodes);
        foreach (var key in Keys.Take(5_000))
        {
            var replicas = ring.GetReplicas(key, 3);
            Assert.Equal(3, replicas.Select(r => r.NodeId).Distinct().Count());
            Assert.Equal(2, replicas.Select(r => r.Silo).Distinct().Count());
        }
    }

    [Fact]
    public void ReplicationFactorIsClampedToTheNodesAvailable()
    {
        var ring = new HashRing(Nodes(2, 2), VirtualNodes);
        Assert.Equal(2, ring.GetReplicas("k", 3).Count);
        Assert.Empty(new HashRing([], VirtualNodes).GetReplicas("k", 3));
    }

    [Fact]
    public void EveryOrderOfTheSameNodesBuildsTheSameRing()
    {
        var nodes = Nodes(5, 5);
        var forward = new HashRing(nodes, VirtualNodes);
        var backward = new HashRing(nodes.Reverse(), VirtualNodes);
        Assert.All(Keys.Take(2_000), key =>
            Assert.Equal(forward.GetReplicas(key, 3).Select(n => n.NodeId), backward.GetReplicas(key, 3).Select(n => n.NodeId)));
    }

    [Fact]
    public void DuplicateNodeIdsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new HashRing([new RingNode("a", "s1"), new RingNode("a", "s2")], VirtualNodes));
        Assert.Contains("unique", error.Message);
    }
}
