namespace DistCache.Storage;

/// <summary>One key in a <see cref="BoundedStore"/>, also a link of its LRU list.</summary>
internal sealed class StoreEntry(string key)
{
    public string Key { get; } = key;

    /// <summary>The value, or null for a tombstone.</summary>
    public byte[]? Value { get; set; }

    public CacheVersion Version { get; set; }

    /// <summary>The tags the entry was written with; null for none.</summary>
    public string[]? Tags { get; set; }

    /// <summary>UTC ticks after which the entry is gone; 0 for never.</summary>
    public long ExpiresAtTicks { get; set; }

    /// <summary>Bytes accounted to this entry.</summary>
    public long Size { get; set; }

    public StoreEntry? Newer { get; set; }

    public StoreEntry? Older { get; set; }

    public bool IsTombstone => Value is null;

    public bool IsExpired(long nowTicks) => ExpiresAtTicks != 0 && ExpiresAtTicks <= nowTicks;

    public TransferEntry ToTransfer() => new(Key, Value, Version, ExpiresAtTicks) { Tags = Tags };

    public ConflictCandidate ToCandidate() => new(Key, Value, Version, ExpiresAtTicks);
}
