namespace DistCache.Storage;

/// <summary>
/// One key of a <see cref="BoundedStore"/>, held by value in a page of a <see cref="SlotTable"/>.
/// </summary>
/// <remarks>
/// Kept at 48 bytes (three references, two longs, two ints) because the store pays it for every key:
/// the version is held as its parts, the rarely present tags and absorbed version vector share one
/// reference, and the CLOCK referenced bit rides in the chain link. The key's hash is not kept; it is
/// recomputed on the rare paths that need it (removal, growth) rather than padding every slot to 56.
/// </remarks>
internal struct StoreSlot
{
    // Bits 0-30: the index + 1 of the next slot in this slot's hash chain (or in the free list), 0 for none.
    // Bit 31: the CLOCK referenced bit.
    private int _link;

    // Null, the tags alone (string[]), the absorbed vector alone (VersionDot[]), or both (SlotExtras):
    // most entries have neither, and an entry with one of them needs no side object.
    private object? _extra;

    private long _timestamp;

    private int _writerId;

    /// <summary>The key; null while the slot is free.</summary>
    public string? Key { get; set; }

    /// <summary>The value, or null for a tombstone.</summary>
    public byte[]? Value { get; set; }

    /// <summary>UTC ticks after which the entry is gone; 0 for never.</summary>
    public long ExpiresAtTicks { get; set; }

    /// <summary>The next slot in the hash chain or free list; -1 for none.</summary>
    public int Next
    {
        readonly get => (_link & int.MaxValue) - 1;
        set => _link = (_link & int.MinValue) | (value + 1);
    }

    /// <summary>Whether the entry was read or written since the CLOCK hand last passed it.</summary>
    public bool Referenced
    {
        readonly get => _link < 0;
        set => _link = value ? _link | int.MinValue : _link & int.MaxValue;
    }

    public readonly bool IsTombstone => Value is null;

    /// <summary>The tags the entry was written with; null for none.</summary>
    public readonly string[]? Tags => _extra switch
    {
        string[] tags => tags,
        SlotExtras both => both.Tags,
        _ => null,
    };

    public readonly CacheVersion Version => new(_timestamp, _writerId)
    {
        Absorbed = _extra switch
        {
            VersionDot[] absorbed => absorbed,
            SlotExtras both => both.Absorbed,
            _ => null,
        },
    };

    public readonly bool IsExpired(long nowTicks) => ExpiresAtTicks != 0 && ExpiresAtTicks <= nowTicks;

    public void SetVersionAndTags(CacheVersion version, string[]? tags)
    {
        _timestamp = version.Timestamp;
        _writerId = version.WriterId;
        _extra = (tags, version.Absorbed) switch
        {
            (null, null) => null,
            (null, { } absorbed) => absorbed,
            ({ } only, null) => only,
            ({ } both, { } absorbed) => new SlotExtras(both, absorbed),
        };
    }

    public readonly TransferEntry ToTransfer() => new(Key!, Value, Version, ExpiresAtTicks) { Tags = Tags };

    public readonly ConflictCandidate ToCandidate() => new(Key!, Value, Version, ExpiresAtTicks);
}
