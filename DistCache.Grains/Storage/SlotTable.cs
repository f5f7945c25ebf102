namespace DistCache.Storage;

/// <summary>
/// The slots of a <see cref="BoundedStore"/>, and a chained hash table from key to slot index.
/// </summary>
/// <remarks>
/// Slots live in fixed-size pages, so growing adds a page instead of copying every slot into an array
/// twice as large (which would leave up to half of it empty and, for a big node, pause the grain and
/// briefly double its memory); each page also stays below the large object heap threshold. Only the
/// bucket array doubles, at 4 bytes a key. A removed slot goes on a free list and is reused first.
/// Keys are compared ordinally and hashed with the randomized string hash, so clients cannot pick
/// keys that collide.
/// </remarks>
internal sealed class SlotTable
{
    private const int PageShift = 9;
    private const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    private StoreSlot[][] _pages = [];
    private int _pageCount;

    // The index + 1 of each chain's first slot, so that a new array (all zeros) is all empty chains.
    private int[] _buckets = new int[16];
    private int _free = -1;

    /// <summary>Slots holding a key.</summary>
    public int Count { get; private set; }

    /// <summary>Slots ever handed out: every slot holding a key has a smaller index.</summary>
    public int Extent { get; private set; }

    /// <summary>The slot at <paramref name="index"/>, which must be below <see cref="Extent"/>.</summary>
    public ref StoreSlot this[int index] => ref _pages[index >> PageShift][index & PageMask];

    /// <summary>The index of the slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var index = _buckets[BucketOf(key)] - 1; index >= 0;)
        {
            ref var slot = ref this[index];
            if (string.Equals(slot.Key, key, StringComparison.Ordinal))
            {
                return index;
            }

            index = slot.Next;
        }

        return -1;
    }

    /// <summary>Puts <paramref name="key"/>, which must not be held yet, in an empty slot; returns its index.</summary>
    public int Add(string key)
    {
        int index;
        if (_free >= 0)
        {
            index = _free;
            _free = this[index].Next;
        }
        else
        {
            if (Extent == _pageCount << PageShift)
            {
                AddPage();
            }

            index = Extent++;
        }

        ref var slot = ref this[index];
        slot = default;
        slot.Key = key;
        Link(index, ref slot);
        if (++Count > _buckets.Length)
        {
            Rehash(_buckets.Length * 2);
        }

        return index;
    }

    /// <summary>Empties the slot at <paramref name="index"/>, which must hold a key, for reuse.</summary>
    public void Remove(int index)
    {
        ref var slot = ref this[index];
        var bucket = BucketOf(slot.Key!);
        var previous = -1;
        for (var current = _buckets[bucket] - 1; current != index; current = this[current].Next)
        {
            previous = current;
        }

        if (previous < 0)
        {
            _buckets[bucket] = slot.Next + 1;
        }
        else
        {
            this[previous].Next = slot.Next;
        }

        // Cleared, so the key, value and extras can be collected and a free slot reads as empty.
        slot = default;
        slot.Next = _free;
        _free = index;
        Count--;
    }

    private int BucketOf(string key) => key.GetHashCode() & (_buckets.Length - 1);

    private void Link(int index, ref StoreSlot slot)
    {
        ref var head = ref _buckets[BucketOf(slot.Key!)];
        slot.Next = head - 1;
        head = index + 1;
    }

    private void AddPage()
    {
        if (_pageCount == _pages.Length)
        {
            Array.Resize(ref _pages, Math.Max(4, _pages.Length * 2));
        }

        _pages[_pageCount++] = new StoreSlot[PageSize];
    }

    private void Rehash(int buckets)
    {
        _buckets = new int[buckets];
        for (var index = 0; index < Extent; index++)
        {
            ref var slot = ref this[index];
            if (slot.Key is not null)
            {
                Link(index, ref slot);
            }
        }
    }
}
