namespace DistCache.Placement;

/// <summary>Places a grain on the silo named in its key, and nowhere else.</summary>
[Serializable, GenerateSerializer, Immutable, Alias("distcache.silo-pinned-placement")]
internal sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static readonly SiloPinnedPlacement Instance = new();
}
