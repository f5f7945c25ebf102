namespace DistCache.Storage;

/// <summary>
/// The tags and absorbed version vector of a <see cref="StoreSlot"/> that has both; a slot with only
/// one of them holds that array directly.
/// </summary>
internal sealed class SlotExtras(string[] tags, VersionDot[] absorbed)
{
    public string[] Tags { get; } = tags;

    public VersionDot[] Absorbed { get; } = absorbed;
}
