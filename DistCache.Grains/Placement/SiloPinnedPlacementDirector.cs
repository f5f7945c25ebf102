using Orleans.Runtime.Placement;

namespace DistCache.Placement;

/// <summary>
/// Activates a node grain on the silo its key names. When that silo is gone it refuses: a node
/// that re-activated empty on another silo would answer as if it still held its data.
/// </summary>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var nodeId = target.GrainIdentity.Key.ToString()!;
        var silo = NodeIds.SiloOf(nodeId);
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new SiloUnavailableException($"Node '{nodeId}' lives only on silo {silo}, which is not an active member of the cluster.");
        }

        return Task.FromResult(silo);
    }
}
