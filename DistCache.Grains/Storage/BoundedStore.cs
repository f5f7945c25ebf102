namespace DistCache.Storage;

/// <summary>
/// A versioned key/value store bounded in bytes. Evicts the least recently used entries when full,
/// never returns an expired entry, never replaces a newer version with an older one, and keeps
/// deletes as tombstones for a while so a late write cannot bring a key back.
/// Not thread-safe: a node grain runs one request at a time.
/// </summary>
internal sealed class BoundedStore
{
    /// <summary>
    /// Bytes charged per entry on top of the key and value: the entry object (~80), its dictionary
    /// slot (~28), and the object headers of the key string (~22) and value array (~24) on 64-bit CoreCLR.
    /// </summary>
    public const int EntryOverheadBytes = 160;

    private readonly Dictionary<string, StoreEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _tombstoneRetentionTicks;
    private StoreEntry? _newest;
    private StoreEntry? _oldest;
    private long _reads, _writes, _hits, _misses, _evictions, _expirations, _staleWrites, _liveItems, _imported;

    public BoundedStore(long capacityBytes, TimeSpan tombstoneRetention, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tombstoneRetention.Ticks, nameof(tombstoneRetention));
        CapacityBytes = capacityBytes;
        _tombstoneRetentionTicks = tombstoneRetention.Ticks;
        _time = time;
    }

    public long CapacityBytes { get; }

    public long UsedBytes { get; private set; }

    /// <summary>Entries held, tombstones included.</summary>
    public int Count => _entries.Count;

    /// <summary>Bytes one entry is charged: key as UTF-16, value, and <see cref="EntryOverheadBytes"/>.</summary>
    public static long SizeOf(string key, int valueLength) => EntryOverheadBytes + 2L * key.Length + valueLength;

    public NodeReadResult Get(string key)
    {
        _reads++;
        if (!TryGetCurrent(key, out var entry))
        {
            _misses++;
            return NodeReadResult.Missing;
        }

        MoveToNewest(entry);
        if (entry.IsTombstone)
        {
            _misses++;
            return new NodeReadResult(null, entry.Version, 0);
        }

        _hits++;
        return new NodeReadResult(entry.Value, entry.Version, entry.ExpiresAtTicks);
    }

    public NodeWriteResult Set(string key, byte[] value, CacheVersion version, long expiresAtTicks)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Write(key, value, version, expiresAtTicks);
    }

    public NodeWriteResult Remove(string key, CacheVersion version) =>
        Write(key, null, version, _time.GetUtcNow().UtcTicks + _tombstoneRetentionTicks);

    /// <summary>Every entry that has not expired, tombstones included, as it would travel to another node.</summary>
    public List<TransferEntry> Export()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var entries = new List<TransferEntry>(_entries.Count);
        foreach (var entry in _entries.Values)
        {
            if (!entry.IsExpired(now))
            {
                entries.Add(new TransferEntry(entry.Key, entry.Value, entry.Version, entry.ExpiresAtTicks));
            }
        }

        return entries;
    }

    /// <summary>One key as it would travel, or null if the store does not hold it (or it expired).</summary>
    public TransferEntry? Export(string key) =>
        TryGetCurrent(key, out var entry) ? new TransferEntry(entry.Key, entry.Value, entry.Version, entry.ExpiresAtTicks) : null;

    /// <summary>Applies an entry copied from another node, if it is newer than what this store holds.</summary>
    public bool Import(TransferEntry entry)
    {
        if (entry.ExpiresAtTicks != 0 && entry.ExpiresAtTicks <= _time.GetUtcNow().UtcTicks)
        {
            return false;
        }

        var applied = Write(entry.Key, entry.Value, entry.Version, entry.ExpiresAtTicks).Applied;
        _imported += applied ? 1 : 0;
        return applied;
    }

    /// <summary>Forgets a key handed to its new owners, unless a newer write arrived since.</summary>
    public bool DropIfUnchanged(string key, CacheVersion version)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.Version != version)
        {
            return false;
        }

        Drop(entry, expired: false);
        return true;
    }

    /// <summary>Drops every expired entry and tombstone; returns how many.</summary>
    public int RemoveExpired()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var removed = 0;
        foreach (var entry in _entries.Values)
        {
            // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
            if (entry.IsExpired(now))
            {
                Drop(entry, expired: true);
                removed++;
            }
        }

        return removed;
    }

    public StoreCounters GetCounters() => new()
    {
        Reads = _reads,
        Writes = _writes,
        Hits = _hits,
        Misses = _misses,
        Evictions = _evictions,
        Expirations = _expirations,
        StaleWrites = _staleWrites,
        Imported = _imported,
        Items = _liveItems,
        Bytes = UsedBytes,
        CapacityBytes = CapacityBytes,
    };

    private NodeWriteResult Write(string key, byte[]? value, CacheVersion version, long expiresAtTicks)
    {
        CacheLimits.ValidateKey(key);
        if (version.IsNone)
        {
            throw new ArgumentException($"The write to key '{key}' carries no version.", nameof(version));
        }

        var size = SizeOf(key, value?.Length ?? 0);
        if (size > CapacityBytes)
        {
            throw new ArgumentException(
                $"The entry for key '{key}' takes {size} bytes, more than the node's whole capacity of {CapacityBytes}.", nameof(value));
        }

        _writes++;
        if (TryGetCurrent(key, out var entry))
        {
            if (entry.Version >= version)
            {
                // An older write arriving late (or a retry of the same one): the newer data stays.
                if (entry.Version > version)
                {
                    _staleWrites++;
                }

                return new NodeWriteResult(false, entry.Version);
            }

            _liveItems += (value is null ? 0 : 1) - (entry.IsTombstone ? 0 : 1);
            UsedBytes += size - entry.Size;
            MoveToNewest(entry);
        }
        else
        {
            entry = new StoreEntry(key);
            _entries.Add(key, entry);
            _liveItems += value is null ? 0 : 1;
            UsedBytes += size;
            LinkAsNewest(entry);
        }

        entry.Value = value;
        entry.Version = version;
        entry.ExpiresAtTicks = expiresAtTicks;
        entry.Size = size;
        EvictOverflow();
        return new NodeWriteResult(true, version);
    }

    private bool TryGetCurrent(string key, out StoreEntry entry)
    {
        if (!_entries.TryGetValue(key, out entry!))
        {
            return false;
        }

        if (entry.IsExpired(_time.GetUtcNow().UtcTicks))
        {
            Drop(entry, expired: true);
            return false;
        }

        return true;
    }

    private void EvictOverflow()
    {
        // The entry just written is the newest, and it fits on its own, so this stops before it.
        while (UsedBytes > CapacityBytes && _oldest is { } victim)
        {
            if (!victim.IsTombstone)
            {
                _evictions++;
            }

            Drop(victim, expired: false);
        }
    }

    private void Drop(StoreEntry entry, bool expired)
    {
        _entries.Remove(entry.Key);
        Unlink(entry);
        UsedBytes -= entry.Size;
        if (!entry.IsTombstone)
        {
            _liveItems--;
            if (expired)
            {
                _expirations++;
            }
        }
    }

    private void MoveToNewest(StoreEntry entry)
    {
        if (_newest == entry)
        {
            return;
        }

        Unlink(entry);
        LinkAsNewest(entry);
    }

    private void LinkAsNewest(StoreEntry entry)
    {
        entry.Older = _newest;
        entry.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = entry;
        }

        _newest = entry;
        _oldest ??= entry;
    }

    private void Unlink(StoreEntry entry)
    {
        if (entry.Newer is not null)
        {
            entry.Newer.Older = entry.Older;
        }
        else if (_newest == entry)
        {
            _newest = entry.Older;
        }

        if (entry.Older is not null)
        {
            entry.Older.Newer = entry.Newer;
        }
        else if (_oldest == entry)
        {
            _oldest = entry.Newer;
        }

        entry.Newer = null;
        entry.Older = null;
    }
}
