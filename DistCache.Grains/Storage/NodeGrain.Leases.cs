namespace DistCache.Storage;

/// <summary>
/// Fill leases: the primary of a key lets one caller at a time compute a missing value, so a burst
/// of misses across many clients runs the expensive factory once. Leases live in memory and are
/// bounded; losing them (a node restart) only lets a second filler in.
/// </summary>
internal sealed partial class NodeGrain
{
    private const int MaxLeases = 100_000;

    private readonly Dictionary<string, (Guid Owner, long ExpiresAtTicks)> _leases = new(StringComparer.Ordinal);

    public Task<FillLease> AcquireFillLeaseAsync(string key, Guid owner, TimeSpan duration)
    {
        CacheLimits.ValidateKey(key);
        CacheLimits.ValidateFillLease(duration);
        EnsureInService();
        var now = time.GetUtcNow().UtcTicks;
        if (_leases.TryGetValue(key, out var held) && held.Owner != owner && held.ExpiresAtTicks > now)
        {
            return Task.FromResult(new FillLease(false, held.Owner, new DateTimeOffset(held.ExpiresAtTicks, TimeSpan.Zero)));
        }

        var expiresAt = now + duration.Ticks;
        if (_leases.Count < MaxLeases || _leases.ContainsKey(key))
        {
            _leases[key] = (owner, expiresAt);
        }

        return Task.FromResult(new FillLease(true, owner, new DateTimeOffset(expiresAt, TimeSpan.Zero)));
    }

    public Task ReleaseFillLeaseAsync(string key, Guid owner)
    {
        if (_leases.TryGetValue(key, out var held) && held.Owner == owner)
        {
            _leases.Remove(key);
        }

        return Task.CompletedTask;
    }

    private void DropExpiredLeases()
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var (key, lease) in _leases)
        {
            if (lease.ExpiresAtTicks <= now)
            {
                _leases.Remove(key);
            }
        }
    }
}
