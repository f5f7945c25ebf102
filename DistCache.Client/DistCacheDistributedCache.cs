using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace DistCache.Client;

/// <summary>
/// <see cref="IDistributedCache"/> on DistCache, so <c>AddHybridCache()</c>, session state, output
/// caching or any ASP.NET Core code uses the cluster with no other change.
/// </summary>
/// <remarks>
/// Each value is stored behind an 18-byte header holding its absolute expiration and sliding window,
/// and the cluster's TTL is set to whichever ends first. A read or refresh of a sliding entry writes it
/// again with a fresh TTL: sliding expiration costs a write per access. Reads and writes use the
/// client's default consistency. The synchronous methods block on the asynchronous ones.
/// </remarks>
public sealed class DistCacheDistributedCache(IDistCache cache, IOptions<DistCacheClientOptions> options) : IDistributedCache
{
    private const byte Marker = 0xDC;
    private const int HeaderBytes = 2 + 8 + 8;
    private readonly TimeProvider _clock = options.Value.Clock;

    /// <inheritdoc />
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var stored = await cache.GetBytesAsync(key, cancellationToken: token);
        if (stored is null || !TryReadHeader(stored, out var absolute, out var sliding))
        {
            return null;
        }

        if (sliding > 0)
        {
            await SlideAsync(key, stored, absolute, sliding, token);
        }

        return stored[HeaderBytes..];
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        CacheLimits.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var now = _clock.GetUtcNow();
        var absolute = options.AbsoluteExpiration ?? (now + options.AbsoluteExpirationRelativeToNow);
        if (absolute <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(options), absolute, $"The absolute expiration {absolute:O} of key '{key}' is not in the future.");
        }

        if (options.SlidingExpiration is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), window, $"The sliding expiration of key '{key}' must be positive; it was {window}.");
        }

        var stored = new byte[HeaderBytes + value.Length];
        WriteHeader(stored, absolute?.UtcTicks ?? 0, options.SlidingExpiration?.Ticks ?? 0);
        value.CopyTo(stored.AsSpan(HeaderBytes));
        await cache.SetBytesAsync(key, stored, new DistCacheEntryOptions { TimeToLive = TimeToLive(now.UtcTicks, absolute?.UtcTicks ?? 0, options.SlidingExpiration?.Ticks ?? 0) }, token);
    }

    /// <inheritdoc />
    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        var stored = await cache.GetBytesAsync(key, cancellationToken: token);
        if (stored is not null && TryReadHeader(stored, out var absolute, out var sliding) && sliding > 0)
        {
            await SlideAsync(key, stored, absolute, sliding, token);
        }
    }

    /// <inheritdoc />
    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default) => cache.RemoveAsync(key, cancellationToken: token);

    private Task<CacheVersion> SlideAsync(string key, byte[] stored, long absolute, long sliding, CancellationToken token) =>
        cache.SetBytesAsync(key, stored, new DistCacheEntryOptions { TimeToLive = TimeToLive(_clock.GetUtcNow().UtcTicks, absolute, sliding) }, token);

    /// <summary>The TTL that ends at the sliding window or the absolute expiration, whichever is first; null for neither.</summary>
    private static TimeSpan? TimeToLive(long nowTicks, long absoluteTicks, long slidingTicks)
    {
        var fromAbsolute = absoluteTicks == 0 ? long.MaxValue : absoluteTicks - nowTicks;
        var fromSliding = slidingTicks == 0 ? long.MaxValue : slidingTicks;
        var ticks = Math.Min(fromAbsolute, fromSliding);
        return ticks == long.MaxValue ? null : TimeSpan.FromTicks(Math.Max(1, ticks));
    }

    private static void WriteHeader(Span<byte> stored, long absoluteTicks, long slidingTicks)
    {
        stored[0] = Marker;
        stored[1] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(stored[2..], absoluteTicks);
        BinaryPrimitives.WriteInt64LittleEndian(stored[10..], slidingTicks);
    }

    // Values written by other DistCache clients (not through this adapter) have no header: to this API they are absent.
    private static bool TryReadHeader(ReadOnlySpan<byte> stored, out long absoluteTicks, out long slidingTicks)
    {
        (absoluteTicks, slidingTicks) = (0, 0);
        if (stored.Length < HeaderBytes || stored[0] != Marker || stored[1] != 1)
        {
            return false;
        }

        absoluteTicks = BinaryPrimitives.ReadInt64LittleEndian(stored[2..]);
        slidingTicks = BinaryPrimitives.ReadInt64LittleEndian(stored[10..]);
        return true;
    }
}
