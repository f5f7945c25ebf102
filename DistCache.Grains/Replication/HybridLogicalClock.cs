namespace DistCache.Replication;

/// <summary>
/// A hybrid logical clock: wall-clock milliseconds in the upper 48 bits and a counter in the lower
/// 16. Readings never go backwards and never repeat in one process, even when the wall clock does,
/// and <see cref="Observe"/> moves the clock past versions seen from other silos.
/// </summary>
internal sealed class HybridLogicalClock(TimeProvider time)
{
    private long _last;

    public long Next()
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds() << 16, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }

    public void Observe(long timestamp)
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (timestamp <= last || Interlocked.CompareExchange(ref _last, timestamp, last) == last)
            {
                return;
            }
        }
    }
}
