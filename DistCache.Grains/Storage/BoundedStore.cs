using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// A versioned key/value store bounded in bytes. Evicts the least recently used entries when full,
/// never returns an expired entry, never replaces a newer version with an older one (concurrent
/// versions go to the conflict resolver), and keeps deletes as tombstones for a while so a late
/// write cannot bring a key back. Entries may carry tags; invalidating a tag deletes every entry
/// that carries it, and for a while also any older write with that tag that arrives late.
/// Not thread-safe: a node grain runs one request at a time.
/// </summary>
internal sealed class BoundedStore
{
    /// <summary>
    /// Bytes charged per entry on top of the key and value: the entry object (~96), its dictionary
    /// slot (~28), and the object headers of the key string (~22) and value array (~24) on 64-bit CoreCLR.
    /// Tags and absorbed version-vector entries are charged on top (<see cref="SizeOf(string, int, string[], CacheVersion)"/>).
    /// </summary>
    public const int EntryOverheadBytes = 176;

    private readonly Dictionary<string, StoreEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<StoreEntry>> _byTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CacheVersion Version, long UntilTicks)> _invalidatedTags = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IConflictResolver _resolver;
    private readonly long _tombstoneRetentionTicks;
    private StoreEntry? _newest;
    private StoreEntry? _oldest;
    private long _reads, _writes, _hits, _misses, _evictions, _expirations, _staleWrites, _liveItems, _imported, _conflicts;

    public BoundedStore(long capacityBytes, TimeSpan tombstoneRetention, TimeProvider time, IConflictResolver? resolver = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tombstoneRetention.Ticks, nameof(tombstoneRetention));
        CapacityBytes = capacityBytes;
        _tombstoneRetentionTicks = tombstoneRetention.Ticks;
        _time = time;
        _resolver = resolver ?? LastWriterWins.Instance;
    }

    public long CapacityBytes { get; }

    public long UsedBytes { get; private set; }

    /// <summary>Entries held, tombstones included.</summary>
    public int Count => _entries.Count;

    /// <summary>Bytes one entry is charged: key as UTF-16, value, and <see cref="EntryOverheadBytes"/>.</summary>
    public static long SizeOf(string key, int valueLength) => EntryOverheadBytes + 2L * key.Length + valueLength;

    /// <summary>Bytes one entry is charged, with its tags (their references and text) and version vector.</summary>
    public static long SizeOf(string key, int valueLength, string[]? tags, CacheVersion version)
    {
        var size = SizeOf(key, valueLength) + 12L * (version.Absorbed?.Length ?? 0);
        foreach (var tag in tags ?? [])
        {
            size += 8 + 2L * tag.Length;
        }

        return size;
    }

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
        return new NodeReadResult(entry.Value, entry.Version, entry.ExpiresAtTicks) { Tags = entry.Tags };
    }

    public NodeWriteResult Set(string key, byte[] value, CacheVersion version, long expiresAtTicks, string[]? tags = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Write(key, value, version, expiresAtTicks, tags);
    }

    public NodeWriteResult Remove(string key, CacheVersion version) =>
        Write(key, null, version, TombstoneExpiry, null);

    /// <summary>
    /// Deletes every entry tagged <paramref name="tag"/> written before <paramref name="version"/>, and
    /// remembers the invalidation for the tombstone retention, so an older tagged write that arrives
    /// late (a slow replica call, a hint, anti-entropy) is deleted too.
    /// </summary>
    /// <returns>The keys deleted.</returns>
    public List<string> InvalidateTag(string tag, CacheVersion version)
    {
        CacheLimits.ValidateTag(tag);
        if (!_invalidatedTags.TryGetValue(tag, out var known) || known.Version < version)
        {
            _invalidatedTags[tag] = (version, TombstoneExpiry);
        }

        var deleted = new List<string>();
        if (_byTag.TryGetValue(tag, out var tagged))
        {
            foreach (var entry in tagged.ToList())
            {
                if (!entry.IsTombstone && entry.Version < version)
                {
                    deleted.Add(entry.Key);
                    Write(entry.Key, null, CacheVersion.Merge(version, entry.Version), TombstoneExpiry, null);
                }
            }
        }

        return deleted;
    }

    /// <summary>Every entry that has not expired, tombstones included, as it would travel to another node.</summary>
    public List<TransferEntry> Export()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var entries = new List<TransferEntry>(_entries.Count);
        foreach (var entry in _entries.Values)
        {
            if (!entry.IsExpired(now))
            {
                entries.Add(entry.ToTransfer());
            }
        }

        return entries;
    }

    /// <summary>Every key not expired, tombstones included, with the version held: what anti-entropy digests.</summary>
    public IEnumerable<KeySummary> Versions()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var entry in _entries.Values)
        {
            if (!entry.IsExpired(now))
            {
                yield return new KeySummary(entry.Key, entry.Version);
            }
        }
    }

    /// <summary>One key as it would travel, or null if the store does not hold it (or it expired).</summary>
    public TransferEntry? Export(string key) =>
        TryGetCurrent(key, out var entry) ? entry.ToTransfer() : null;

    /// <summary>Applies an entry copied from another node, if it is newer than what this store holds.</summary>
    public bool Import(TransferEntry entry)
    {
        if (entry.ExpiresAtTicks != 0 && entry.ExpiresAtTicks <= _time.GetUtcNow().UtcTicks)
        {
            return false;
        }

        var applied = Write(entry.Key, entry.Value, entry.Version, entry.ExpiresAtTicks, entry.Tags).Applied;
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
        foreach (var (tag, invalidation) in _invalidatedTags)
        {
            if (invalidation.UntilTicks <= now)
            {
                _invalidatedTags.Remove(tag);
            }
        }

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
        Conflicts = _conflicts,
        Imported = _imported,
        Items = _liveItems,
        Bytes = UsedBytes,
        CapacityBytes = CapacityBytes,
    };

    private NodeWriteResult Write(string key, byte[]? value, CacheVersion version, long expiresAtTicks, string[]? tags)
    {
        CacheLimits.ValidateKey(key);
        if (version.IsNone)
        {
            throw new ArgumentException($"The write to key '{key}' carries no version.", nameof(version));
        }

        if (value is not null && IsInvalidated(tags, version))
        {
            // Written before its tag was invalidated, and arriving only now: it is deleted on arrival.
            (value, expiresAtTicks, tags) = (null, TombstoneExpiry, null);
        }

        var size = SizeOf(key, value?.Length ?? 0, tags, version);
        if (size > CapacityBytes)
        {
            throw new ArgumentException(
                $"The entry for key '{key}' takes {size} bytes, more than the node's whole capacity of {CapacityBytes}.", nameof(value));
        }

        _writes++;
        if (TryGetCurrent(key, out var entry))
        {
            var (survivor, incomingWins, conflict) = Reconcile.Pick(
                entry.ToCandidate(), new ConflictCandidate(key, value, version, expiresAtTicks), _resolver);
            _conflicts += conflict ? 1 : 0;
            if (!incomingWins)
            {
                // An older write arriving late, a retry, or the loser of a conflict: the held value stays,
                // though after a conflict its version absorbs the loser's.
                _staleWrites += conflict ? 0 : survivor.Version == version ? 0 : 1;
                if (conflict)
                {
                    Update(entry, entry.Value, survivor.Version, entry.ExpiresAtTicks, entry.Tags);
                }

                return new NodeWriteResult(false, entry.Version);
            }

            _liveItems += (value is null ? 0 : 1) - (entry.IsTombstone ? 0 : 1);
            MoveToNewest(entry);
            Update(entry, value, survivor.Version, expiresAtTicks, tags);
        }
        else
        {
            entry = new StoreEntry(key);
            _entries.Add(key, entry);
            _liveItems += value is null ? 0 : 1;
            LinkAsNewest(entry);
            Update(entry, value, version, expiresAtTicks, tags);
        }

        EvictOverflow();
        return new NodeWriteResult(true, entry.Version);
    }

    private long TombstoneExpiry => _time.GetUtcNow().UtcTicks + _tombstoneRetentionTicks;

    private bool IsInvalidated(string[]? tags, CacheVersion version)
    {
        foreach (var tag in tags ?? [])
        {
            if (_invalidatedTags.TryGetValue(tag, out var invalidation) && version < invalidation.Version)
            {
                return true;
            }
        }

        return false;
    }

    private void Update(StoreEntry entry, byte[]? value, CacheVersion version, long expiresAtTicks, string[]? tags)
    {
        Untag(entry);
        var size = SizeOf(entry.Key, value?.Length ?? 0, tags, version);
        UsedBytes += size - entry.Size;
        entry.Value = value;
        entry.Version = version;
        entry.ExpiresAtTicks = expiresAtTicks;
        entry.Tags = tags;
        entry.Size = size;
        foreach (var tag in tags ?? [])
        {
            if (!_byTag.TryGetValue(tag, out var tagged))
            {
                _byTag[tag] = tagged = [];
            }

            tagged.Add(entry);
        }
    }

    private void Untag(StoreEntry entry)
    {
        foreach (var tag in entry.Tags ?? [])
        {
            if (_byTag.TryGetValue(tag, out var tagged) && tagged.Remove(entry) && tagged.Count == 0)
            {
                _byTag.Remove(tag);
            }
        }
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
        Untag(entry);
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
