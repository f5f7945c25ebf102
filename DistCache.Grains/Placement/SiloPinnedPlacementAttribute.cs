using Orleans.Placement;

namespace DistCache.Placement;

/// <summary>Marks a grain class whose key names the silo it must live on (see <see cref="NodeIds"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);
