namespace DistCache.Replication;

/// <summary>
/// The hints one node holds: per replica that missed writes, the keys it missed. A hint names a key,
/// not a value: the node sends whatever version it holds when the replica answers again, which is
/// never older than the write that was missed. Bounded in keys, and each replica's hints expire a
/// window after the first one, when anti-entropy takes over.
/// </summary>
internal sealed class HintBook(int maxKeys, TimeSpan window)
{
    private readonly Dictionary<string, (long FirstAt, Dictionary<string, long> Keys)> _byReplica = new(StringComparer.Ordinal);
    private long _stamp;

    /// <summary>Keys held, over every replica.</summary>
    public int Count { get; private set; }

    /// <summary>Hints refused because the book was full.</summary>
    public long Dropped { get; private set; }

    public IEnumerable<string> Replicas => _byReplica.Keys;

    public void Add(string replica, IEnumerable<string> keys, long nowTicks)
    {
        if (!_byReplica.TryGetValue(replica, out var hints))
        {
            _byReplica[replica] = hints = (nowTicks, new Dictionary<string, long>(StringComparer.Ordinal));
        }

        foreach (var key in keys)
        {
            // A fresh stamp, also for a key hinted before: a delivery already under way may predate this write.
            if (hints.Keys.ContainsKey(key))
            {
                hints.Keys[key] = ++_stamp;
            }
            else if (Count >= maxKeys)
            {
                Dropped++;
            }
            else
            {
                hints.Keys.Add(key, ++_stamp);
                Count++;
            }
        }

        if (hints.Keys.Count == 0)
        {
            _byReplica.Remove(replica);
        }
    }

    /// <summary>The hints to deliver to <paramref name="replica"/> with their stamps, a copy; empty when there are none.</summary>
    public KeyValuePair<string, long>[] HintsFor(string replica) => _byReplica.TryGetValue(replica, out var hints) ? [.. hints.Keys] : [];

    /// <summary>Forgets the hints delivered, except those hinted again since (their stamp changed): that write may be newer than the copy sent.</summary>
    public void Delivered(string replica, IEnumerable<KeyValuePair<string, long>> delivered)
    {
        if (!_byReplica.TryGetValue(replica, out var hints))
        {
            return;
        }

        foreach (var (key, stamp) in delivered)
        {
            if (hints.Keys.TryGetValue(key, out var current) && current == stamp)
            {
                hints.Keys.Remove(key);
                Count--;
            }
        }

        if (hints.Keys.Count == 0)
        {
            _byReplica.Remove(replica);
        }
    }

    /// <summary>Drops the hints of replicas whose window has passed, or that <paramref name="keep"/> rejects (no longer on the ring).</summary>
    public int DropStale(long nowTicks, Func<string, bool> keep)
    {
        var dropped = 0;
        foreach (var (replica, hints) in _byReplica)
        {
            if (nowTicks - hints.FirstAt > window.Ticks || !keep(replica))
            {
                dropped += hints.Keys.Count;
                Count -= hints.Keys.Count;
                _byReplica.Remove(replica);
            }
        }

        return dropped;
    }
}
