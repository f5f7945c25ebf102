using DistCache.Placement;

namespace DistCache.Replication;

/// <summary>
/// Decides, for one node and one topology change, which of its entries go to which nodes. Moving by
/// versioned entries makes every copy idempotent: a replica applies a copy only if it is newer.
/// </summary>
internal static class TransferPlanner
{
    /// <summary>
    /// For each entry whose owners changed between <paramref name="before"/> and <paramref name="after"/>:
    /// if <paramref name="self"/> no longer owns it, copy it to every new owner and drop it (a leaving
    /// owner never relies on others having it: an Eventual write may have reached only this node); if it
    /// still owns it, copy it to every other owner. That restores the replication factor after a
    /// failure, fills a node that joined, and also repairs an owner that had missed the key's last write.
    /// Every holder does this on its own, with no agreement on who sends: nodes may have followed the
    /// ring through different intermediate versions, and a key must not depend on one node's view.
    /// The price is that a moved key arrives a few times; the receiver keeps only what is newer.
    /// </summary>
    public static TransferPlan Plan(IEnumerable<TransferEntry> entries, string self, HashRing before, HashRing after, int replicationFactor)
    {
        var plan = new TransferPlan();
        foreach (var entry in entries)
        {
            var owners = after.GetReplicas(entry.Key, replicationFactor);
            if (!owners.Any(o => o.NodeId == self))
            {
                foreach (var owner in owners)
                {
                    plan.Copy(owner.NodeId, entry);
                }

                plan.Drops.Add(entry);
                continue;
            }

            var previousOwners = before.GetReplicas(entry.Key, replicationFactor);
            if (owners.Count == previousOwners.Count && owners.All(o => previousOwners.Any(p => p.NodeId == o.NodeId)))
            {
                continue;
            }

            foreach (var owner in owners)
            {
                if (owner.NodeId != self)
                {
                    plan.Copy(owner.NodeId, entry);
                }
            }
        }

        return plan;
    }

    /// <summary>
    /// Decides, when a delayed drop comes due, what to do with entries this node copied away under
    /// <paramref name="copiedUnder"/>: the ring may have changed since. An entry this node owns again is
    /// kept; one whose owners are still those it was copied to may be dropped; one whose owners changed
    /// must first be copied to its current owners.
    /// </summary>
    public static (List<TransferEntry> Drop, List<TransferEntry> Recopy) Settle(
        IEnumerable<TransferEntry> moved, string self, HashRing copiedUnder, HashRing current, int replicationFactor)
    {
        var drop = new List<TransferEntry>();
        var recopy = new List<TransferEntry>();
        foreach (var entry in moved)
        {
            var owners = current.GetReplicas(entry.Key, replicationFactor);
            if (owners.Any(o => o.NodeId == self))
            {
                continue;
            }

            var copiedTo = copiedUnder.GetReplicas(entry.Key, replicationFactor);
            var unchanged = owners.Count == copiedTo.Count && owners.All(o => copiedTo.Any(c => c.NodeId == o.NodeId));
            (unchanged ? drop : recopy).Add(entry);
        }

        return (drop, recopy);
    }
}
