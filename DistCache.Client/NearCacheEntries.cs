using System.Collections.Concurrent;

namespace DistCache.Client;

/// <summary>
/// The near cache's bounded map: lock-free lookups, at most <c>capacity</c> entries, evicted by CLOCK
/// (an entry read since the hand last passed gets a second chance), and a guard against storing what a
/// read fetched before an invalidation of its key arrived. When full, it admits a new key only if the
/// key is looked up at least as often as the entry the hand would evict (<see cref="FrequencySketch"/>).
/// </summary>
/// <remarks>
/// Every invalidation takes a new generation number and writes it into the key's stripe of a fixed
/// table; a read stores its value only if neither its key's stripe nor the last clear moved past the
/// generation at which the read began. Keys sharing a stripe only cost a skipped store, and the table
/// never grows, so thousands of invalidations a second never force the whole cache to be dropped.
/// </remarks>
internal sealed class NearCacheEntries
{
    private const int Stripes = 4096;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long[] _invalidatedAt = new long[Stripes];
    private readonly Entry?[] _ring;
    private readonly bool[] _isFree;
    private readonly Stack<int> _free = new();
    private readonly FrequencySketch _lookups;
    private readonly Lock _storing = new();
    private int _hand;
    private long _generation, _clearedAt;

    public NearCacheEntries(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new Entry?[capacity];
        _isFree = new bool[capacity];
        _lookups = new FrequencySketch(capacity);
    }

    public int Count => _entries.Count;

    /// <summary>The key's value if held and not expired; an expired entry is dropped.</summary>
    public bool TryGet(string key, long nowTicks, out byte[]? value)
    {
        value = null;
        _lookups.Increment(Hash(key));
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (entry.ExpiresAtTicks <= nowTicks)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return false;
        }

        entry.Referenced = true;
        value = entry.Value;
        return true;
    }

    /// <summary>Call before reading from the cluster; pass the result to <see cref="Store"/>.</summary>
    public long BeginRead() => Volatile.Read(ref _generation);

    /// <summary>
    /// Keeps what a read found, unless its key (or everything) was invalidated since the read began, or the
    /// cache is full of entries looked up more often.
    /// </summary>
    public void Store(string key, byte[] value, long expiresAtTicks, long readBegan)
    {
        // Stores, invalidations and clears take one lock, so none of them can slip between another's check and change.
        lock (_storing)
        {
            var hash = Hash(key);
            if (_clearedAt > readBegan || _invalidatedAt[Stripe(hash)] > readBegan)
            {
                return;
            }

            if (_lookups.AgingDue)
            {
                _lookups.Age();
            }

            if (FreeSlot(hash) is not (>= 0 and var slot))
            {
                return;
            }

            var entry = new Entry(key, hash, value, expiresAtTicks, slot);
            _ring[entry.Slot] = entry;
            _isFree[entry.Slot] = false;
            _entries[key] = entry;
        }
    }

    /// <summary>Drops the key and keeps reads already under way from storing it again; true if an entry was dropped.</summary>
    public bool Invalidate(string key)
    {
        lock (_storing)
        {
            _invalidatedAt[Stripe(Hash(key))] = NextGeneration();
            if (!_entries.TryRemove(key, out var removed))
            {
                return false;
            }

            // The next store takes this slot instead of evicting a live entry.
            if (!_isFree[removed.Slot])
            {
                _isFree[removed.Slot] = true;
                _free.Push(removed.Slot);
            }

            return true;
        }
    }

    /// <summary>Drops everything and keeps reads already under way from storing.</summary>
    public void Clear()
    {
        lock (_storing)
        {
            _clearedAt = NextGeneration();
            _entries.Clear();
            Array.Clear(_ring);
            Array.Clear(_isFree);
            _free.Clear();
        }
    }

    private long NextGeneration()
    {
        Volatile.Write(ref _generation, _generation + 1);
        return _generation;
    }

    private static int Hash(string key) => StringComparer.Ordinal.GetHashCode(key);

    private static int Stripe(int hash) => (hash & int.MaxValue) % Stripes;

    /// <summary>
    /// A slot an invalidation freed, or else the next the hand finds that can be reused: empty, held by
    /// an entry no longer in the map (invalidated, expired or replaced), or held by one not read since
    /// the hand last passed, which is evicted if the new key (hash <paramref name="candidate"/>) is looked
    /// up at least as often; -1 if it is not, and the hand moves on. Ends within two turns of the ring,
    /// since the first turn clears every mark it passes.
    /// </summary>
    private int FreeSlot(int candidate)
    {
        while (_free.TryPop(out var freed))
        {
            // The hand may have reused the slot since it was freed; then it is not free any more.
            if (_isFree[freed])
            {
                return freed;
            }
        }

        while (true)
        {
            var slot = _hand;
            _hand = slot + 1 == _ring.Length ? 0 : slot + 1;
            var held = _ring[slot];
            if (held is null || !_entries.TryGetValue(held.Key, out var current) || !ReferenceEquals(current, held))
            {
                return slot;
            }

            if (!held.Referenced)
            {
                if (_lookups.Estimate(candidate) < _lookups.Estimate(held.Hash))
                {
                    return -1;
                }

                _entries.TryRemove(new KeyValuePair<string, Entry>(held.Key, held));
                return slot;
            }

            held.Referenced = false;
        }
    }

    private sealed class Entry(string key, int hash, byte[] value, long expiresAtTicks, int slot)
    {
        public string Key { get; } = key;

        public int Hash { get; } = hash;

        public int Slot { get; } = slot;

        public byte[] Value { get; } = value;

        public long ExpiresAtTicks { get; } = expiresAtTicks;

        // Set by readers without the lock; a lost update only costs a second chance.
        public bool Referenced { get; set; }
    }
}
