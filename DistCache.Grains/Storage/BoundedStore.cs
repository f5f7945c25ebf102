using DistCache.Replication;

namespace DistCache.Storage;

/// <summary>
/// A versioned key/value store bounded in bytes. Evicts entries not used lately when full (CLOCK),
/// never returns an expired entry, never replaces a newer version with an older one (concurrent
/// versions go to the conflict resolver), and keeps deletes as tombstones for a while so a late
/// write cannot bring a key back. Entries may carry tags; invalidating a tag deletes every entry
/// that carries it, and for a while also any older write with that tag that arrives late.
/// Not thread-safe: a node grain runs one request at a time.
/// </summary>
internal sealed class BoundedStore
{
    /// <summary>
    /// Bytes charged per entry on top of the key and value, on 64-bit CoreCLR: its <see cref="StoreSlot"/>
    /// (48), its hash bucket (4 to 8, as the bucket array doubles), and the object headers of the key
    /// string (~22) and value array (~24), each rounded up to 8 bytes. About 98 measured with 17-char keys
    /// and 32-byte values (the benchmarks' <c>memory</c> command); the rest is that rounding and bucket
    /// growth. Tags and absorbed version-vector entries are charged on top
    /// (<see cref="SizeOf(string, int, string[], CacheVersion)"/>).
    /// </summary>
    public const int EntryOverheadBytes = 112;

    private readonly SlotTable _slots = new();

    // Tag to the indices of the slots carrying it; a slot is untagged before it is rewritten or freed,
    // so a reused slot never inherits its previous key's tags.
    private readonly Dictionary<string, HashSet<int>> _byTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CacheVersion Version, long UntilTicks)> _invalidatedTags = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IConflictResolver _resolver;
    private readonly long _tombstoneRetentionTicks;

    // The CLOCK hand: the slot eviction looks at next.
    private int _hand;
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
    public int Count => _slots.Count;

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
        var index = FindCurrent(key);
        if (index < 0)
        {
            _misses++;
            return NodeReadResult.Missing;
        }

        ref var slot = ref _slots[index];
        slot.Referenced = true;
        if (slot.IsTombstone)
        {
            _misses++;
            return new NodeReadResult(null, slot.Version, 0);
        }

        _hits++;
        return new NodeReadResult(slot.Value, slot.Version, slot.ExpiresAtTicks) { Tags = slot.Tags };
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
        if (!_byTag.TryGetValue(tag, out var tagged))
        {
            return deleted;
        }

        // Chosen before any is deleted: each delete rewrites the tag index and may free or reuse slots.
        var held = new List<CacheVersion>();
        foreach (var index in tagged)
        {
            ref var slot = ref _slots[index];
            if (!slot.IsTombstone && slot.Version < version)
            {
                deleted.Add(slot.Key!);
                held.Add(slot.Version);
            }
        }

        for (var i = 0; i < deleted.Count; i++)
        {
            Write(deleted[i], null, CacheVersion.Merge(version, held[i]), TombstoneExpiry, null);
        }

        return deleted;
    }

    /// <summary>Every entry that has not expired, tombstones included, as it would travel to another node.</summary>
    public List<TransferEntry> Export()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var entries = new List<TransferEntry>(_slots.Count);
        for (var index = 0; index < _slots.Extent; index++)
        {
            ref var slot = ref _slots[index];
            if (slot.Key is not null && !slot.IsExpired(now))
            {
                entries.Add(slot.ToTransfer());
            }
        }

        return entries;
    }

    /// <summary>One past the highest slot in use: <see cref="Versions(int, int)"/> ranges cover <c>[0, Extent)</c>.</summary>
    public int Extent => _slots.Extent;

    /// <summary>Every key not expired, tombstones included, with the version held: what anti-entropy digests.</summary>
    public IEnumerable<KeySummary> Versions() => Versions(0, int.MaxValue);

    /// <summary>
    /// The keys of <see cref="Versions()"/> in slots <c>[start, start + count)</c>, so a big store can be
    /// walked in chunks across turns; a key written between chunks may be seen in neither or in its new slot.
    /// </summary>
    public IEnumerable<KeySummary> Versions(int start, int count)
    {
        var now = _time.GetUtcNow().UtcTicks;
        for (var index = start; index < _slots.Extent && index - start < count; index++)
        {
            // Copied, not a ref: an iterator cannot hold one across a yield.
            var slot = _slots[index];
            if (slot.Key is not null && !slot.IsExpired(now))
            {
                yield return new KeySummary(slot.Key, slot.Version);
            }
        }
    }

    /// <summary>One key as it would travel, or null if the store does not hold it (or it expired).</summary>
    public TransferEntry? Export(string key)
    {
        var index = FindCurrent(key);
        return index < 0 ? null : _slots[index].ToTransfer();
    }

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
        var index = _slots.Find(key);
        if (index < 0 || _slots[index].Version != version)
        {
            return false;
        }

        Drop(index, expired: false);
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

        for (var index = 0; index < _slots.Extent; index++)
        {
            ref var slot = ref _slots[index];
            if (slot.Key is not null && slot.IsExpired(now))
            {
                Drop(index, expired: true);
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
        var index = FindCurrent(key);
        if (index >= 0)
        {
            ref var slot = ref _slots[index];
            var (survivor, incomingWins, conflict) = Reconcile.Pick(
                slot.ToCandidate(), new ConflictCandidate(key, value, version, expiresAtTicks), _resolver);
            _conflicts += conflict ? 1 : 0;
            if (!incomingWins)
            {
                // An older write arriving late, a retry, or the loser of a conflict: the held value stays,
                // though after a conflict its version absorbs the loser's (and may grow past capacity).
                _staleWrites += conflict ? 0 : survivor.Version == version ? 0 : 1;
                if (conflict)
                {
                    Update(index, slot.Value, survivor.Version, slot.ExpiresAtTicks, slot.Tags);
                    EvictOverflow(index);
                }

                return new NodeWriteResult(false, slot.Version);
            }

            _liveItems += (value is null ? 0 : 1) - (slot.IsTombstone ? 0 : 1);
            slot.Referenced = true;
            Update(index, value, survivor.Version, expiresAtTicks, tags);
        }
        else
        {
            index = _slots.Add(key);
            // A fresh slot is charged as an empty entry; Update charges the difference.
            UsedBytes += SizeOf(key, 0);
            _liveItems += value is null ? 0 : 1;
            _slots[index].Referenced = true;
            Update(index, value, version, expiresAtTicks, tags);
        }

        EvictOverflow(index);
        return new NodeWriteResult(true, _slots[index].Version);
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

    private static long SizeOf(in StoreSlot slot) => SizeOf(slot.Key!, slot.Value?.Length ?? 0, slot.Tags, slot.Version);

    private void Update(int index, byte[]? value, CacheVersion version, long expiresAtTicks, string[]? tags)
    {
        ref var slot = ref _slots[index];
        var oldTags = slot.Tags;
        UsedBytes -= SizeOf(slot);
        slot.Value = value;
        slot.ExpiresAtTicks = expiresAtTicks;
        slot.SetVersionAndTags(version, tags);
        UsedBytes += SizeOf(slot);
        if (!ReferenceEquals(oldTags, tags))
        {
            Untag(index, oldTags);
            Tag(index, tags);
        }
    }

    private void Tag(int index, string[]? tags)
    {
        foreach (var tag in tags ?? [])
        {
            if (!_byTag.TryGetValue(tag, out var tagged))
            {
                _byTag[tag] = tagged = [];
            }

            tagged.Add(index);
        }
    }

    private void Untag(int index, string[]? tags)
    {
        foreach (var tag in tags ?? [])
        {
            if (_byTag.TryGetValue(tag, out var tagged) && tagged.Remove(index) && tagged.Count == 0)
            {
                _byTag.Remove(tag);
            }
        }
    }

    /// <summary>The index of the slot holding <paramref name="key"/> unexpired, or -1 (dropping it if it expired).</summary>
    private int FindCurrent(string key)
    {
        var index = _slots.Find(key);
        if (index < 0)
        {
            return -1;
        }

        // The clock is read only for entries that can expire at all.
        var expiresAtTicks = _slots[index].ExpiresAtTicks;
        if (expiresAtTicks != 0 && expiresAtTicks <= _time.GetUtcNow().UtcTicks)
        {
            Drop(index, expired: true);
            return -1;
        }

        return index;
    }

    /// <summary>
    /// CLOCK (second chance): the hand sweeps the slots, giving a referenced entry one more round (its
    /// bit cleared) and evicting the first unreferenced one. Expired entries it meets go regardless.
    /// </summary>
    private void EvictOverflow(int justWritten)
    {
        if (UsedBytes <= CapacityBytes)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        // The entry just written is skipped, and it fits on its own (a larger write throws), so once it
        // is the last one left the store is within capacity; the count check makes the stop certain.
        while (UsedBytes > CapacityBytes && _slots.Count > 1)
        {
            var index = _hand < _slots.Extent ? _hand : 0;
            _hand = index + 1;
            ref var slot = ref _slots[index];
            if (slot.Key is null || index == justWritten)
            {
                continue;
            }

            if (slot.IsExpired(now))
            {
                Drop(index, expired: true);
            }
            else if (slot.Referenced)
            {
                slot.Referenced = false;
            }
            else
            {
                _evictions += slot.IsTombstone ? 0 : 1;
                Drop(index, expired: false);
            }
        }
    }

    private void Drop(int index, bool expired)
    {
        ref var slot = ref _slots[index];
        Untag(index, slot.Tags);
        UsedBytes -= SizeOf(slot);
        if (!slot.IsTombstone)
        {
            _liveItems--;
            if (expired)
            {
                _expirations++;
            }
        }

        _slots.Remove(index);
    }
}
