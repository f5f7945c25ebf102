using DistCache.Placement;
using DistCache.Replication;

namespace DistCache.Tests.Unit;

public sealed class TransferPlannerTests
{
    private const int Rf = 3;
    private static readonly RingNode[] Four = Enumerable.Range(0, 4).Select(i => new RingNode($"node-{i}", $"silo-{i}")).ToArray();
    private static readonly TransferEntry[] Entries =
        Enumerable.Range(0, 4_000).Select(i => new TransferEntry($"k{i}", [1], new CacheVersion(i + 1, 1), 0)).ToArray();

    private static HashRing Ring(IEnumerable<RingNode> nodes) => new(nodes, 256);

    /// <summary>What each node holds under <paramref name="ring"/>: the entries it is an owner of.</summary>
    private static Dictionary<string, List<TransferEntry>> Holdings(HashRing ring) =>
        ring.Nodes.ToDictionary(
            n => n.NodeId,
            n => Entries.Where(e => ring.GetReplicas(e.Key, Rf).Any(o => o.NodeId == n.NodeId)).ToList());

    private static Dictionary<string, TransferPlan> PlanAll(HashRing before, HashRing after, IEnumerable<string> planners) =>
        planners.ToDictionary(id => id, id => TransferPlanner.Plan(Holdings(before)[id], id, before, after, Rf));

    [Fact]
    public void AfterAFailureEverySurvivingHolderCopiesTheKeyToItsOtherOwners()
    {
        var before = Ring(Four);
        var after = Ring(Four.Where(n => n.NodeId != "node-3"));
        var plans = PlanAll(before, after, after.Nodes.Select(n => n.NodeId));

        foreach (var entry in Entries)
        {
            var oldOwners = before.GetReplicas(entry.Key, Rf).Select(n => n.NodeId).ToArray();
            var copies = plans.SelectMany(p => p.Value.Copies.Where(c => c.Value.Contains(entry)).Select(c => (From: p.Key, To: c.Key))).ToArray();
            if (oldOwners.Contains("node-3"))
            {
                // Each survivor sends to the new owner and to the other survivor (repairing it if it missed the write).
                var newOwners = after.GetReplicas(entry.Key, Rf).Select(n => n.NodeId).ToArray();
                var survivors = oldOwners.Where(o => o != "node-3").ToArray();
                var expected = survivors.SelectMany(from => newOwners.Where(to => to != from).Select(to => (From: from, To: to)));
                Assert.Equal(expected.Order(), copies.Order());
            }
            else
            {
                Assert.Empty(copies);
            }
        }

        Assert.All(plans.Values, p => Assert.Empty(p.Drops));
    }

    [Fact]
    public void AKeyStillMovesWhenOneHolderMissedARingVersion()
    {
        // node-1 never saw the ring with node-3 in it; node-0 did. Between them the key still
        // reaches node-2 after node-3 fails, although node-1 sees no change at all.
        var three = Ring(Four.Take(3));
        var four = Ring(Four);
        var key = Entries.First(e =>
            four.GetReplicas(e.Key, Rf).Any(n => n.NodeId == "node-3") &&
            four.GetReplicas(e.Key, Rf).Any(n => n.NodeId == "node-0") &&
            four.GetReplicas(e.Key, Rf).Any(n => n.NodeId == "node-1"));

        var stale = TransferPlanner.Plan([key], "node-1", three, three, Rf);
        var current = TransferPlanner.Plan([key], "node-0", four, three, Rf);

        Assert.Equal(0, stale.CopyCount);
        Assert.Equal([key], current.Copies["node-2"]);
        Assert.Equal([key], current.Copies["node-1"]);
    }

    [Fact]
    public void AJoiningNodeReceivesWhatItNowOwnsAndDisplacedOwnersDropIt()
    {
        var before = Ring(Four);
        var five = Four.Append(new RingNode("node-4", "silo-4")).ToArray();
        var after = Ring(five);
        var plans = PlanAll(before, after, Four.Select(n => n.NodeId));

        var received = plans.Values.SelectMany(p => p.Copies.GetValueOrDefault("node-4") ?? []).ToHashSet();
        var owned = Entries.Where(e => after.GetReplicas(e.Key, Rf).Any(o => o.NodeId == "node-4")).ToHashSet();
        Assert.Equal(owned, received);

        // Each displaced owner drops exactly the keys it lost; nobody else drops anything.
        foreach (var (node, plan) in plans)
        {
            var lost = Holdings(before)[node].Where(e => after.GetReplicas(e.Key, Rf).All(o => o.NodeId != node));
            Assert.Equal(lost.ToHashSet(), plan.Drops.ToHashSet());
        }

        // About 1/N of the replica copies move: each moved key trades one owner.
        var moved = plans.Values.Sum(p => p.Drops.Count) / (double)(Entries.Length * Rf);
        Assert.InRange(moved, 0.15, 0.25);
    }

    [Fact]
    public void ALeavingNodeCopiesEverythingToEveryNewOwnerAndDropsIt()
    {
        var before = Ring(Four);
        var after = Ring(Four.Where(n => n.NodeId != "node-0"));
        var held = Holdings(before)["node-0"];

        var plan = TransferPlanner.Plan(held, "node-0", before, after, Rf);

        Assert.Equal(held.ToHashSet(), plan.Drops.ToHashSet());
        Assert.All(held, entry =>
            Assert.All(after.GetReplicas(entry.Key, Rf), owner => Assert.Contains(entry, plan.Copies[owner.NodeId])));
    }

    [Fact]
    public void ADelayedDropKeepsWhatTheNodeOwnsAgainAndRecopiesWhatMovedOn()
    {
        var four = Ring(Four);
        var five = Ring(Four.Append(new RingNode("node-4", "silo-4")));
        var displaced = Holdings(four)["node-0"].Where(e => five.GetReplicas(e.Key, Rf).All(o => o.NodeId != "node-0")).ToArray();
        Assert.NotEmpty(displaced);

        // Nothing changed since the copy: everything may go.
        var (drop, recopy) = TransferPlanner.Settle(displaced, "node-0", five, five, Rf);
        Assert.Equal(displaced, drop);
        Assert.Empty(recopy);

        // node-4 died before the drop came due: node-0 owns those keys again and must keep them.
        (drop, recopy) = TransferPlanner.Settle(displaced, "node-0", five, four, Rf);
        Assert.Empty(drop);
        Assert.Empty(recopy);

        // node-3 died instead: keys whose owners now include someone who never got a copy go there first.
        var withoutThree = Ring(Four.Take(3).Append(new RingNode("node-4", "silo-4")));
        (drop, recopy) = TransferPlanner.Settle(displaced, "node-0", five, withoutThree, Rf);
        Assert.All(recopy, e => Assert.Contains(five.GetReplicas(e.Key, Rf), o => o.NodeId == "node-3"));
        Assert.All(drop, e => Assert.DoesNotContain(withoutThree.GetReplicas(e.Key, Rf), o => o.NodeId == "node-0"));
        Assert.Equal(displaced.Length, drop.Count + recopy.Count + displaced.Count(e => withoutThree.GetReplicas(e.Key, Rf).Any(o => o.NodeId == "node-0")));
    }

    [Fact]
    public void NothingMovesWhenTheRingIsUnchanged()
    {
        var ring = Ring(Four);
        Assert.All(PlanAll(ring, ring, Four.Select(n => n.NodeId)).Values, plan =>
        {
            Assert.Equal(0, plan.CopyCount);
            Assert.Empty(plan.Drops);
        });
    }
}
