using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DistCache.Client;

/// <summary>
/// <see cref="IDistCache"/> over an Orleans client: calls go to the cluster's entry grain with the
/// client's defaults, a deadline, and Orleans' failures translated into DistCache's. Gets, sets and
/// removes issued concurrently share grain calls (<see cref="AutoBatcher{TRequest, TResult}"/>).
/// </summary>
public sealed class DistCacheClient : IDistCache, IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly DistCacheClientOptions _options;
    private readonly IDistCacheSerializer _serializer;
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _fills = new(StringComparer.Ordinal);
    private readonly NearCache? _near;
    private readonly NodeRouter? _router;
    private readonly AutoBatcher<CacheOperation, CacheOperationResult> _batcher;

    // The newest version timestamp this client has read or written; its writes are stamped above it.
    private long _observed;
    private long _resent;

    /// <summary>Creates the client; <see cref="DistCacheClientServiceCollectionExtensions.AddDistCacheClient"/> does this for you.</summary>
    /// <param name="grains">The Orleans client (or silo) to reach the cluster through.</param>
    /// <param name="options">The client's options.</param>
    /// <param name="serializer">Turns typed values into bytes and back.</param>
    /// <param name="orleansSerializer">
    /// Orleans' serializer, which the silos' data ports speak (<see cref="DistCacheClientOptions.UseDataPort"/>); when
    /// null, the one of <paramref name="grains"/>' services if it is an <see cref="IClusterClient"/>, else none and
    /// every direct operation is a grain call.
    /// </param>
    public DistCacheClient(IGrainFactory grains, IOptions<DistCacheClientOptions> options, IDistCacheSerializer serializer, Orleans.Serialization.Serializer? orleansSerializer = null)
    {
        _grains = grains;
        _options = options.Value;
        _options.Validate();
        _serializer = serializer;
        _near = _options.NearCache.Enabled ? new NearCache(grains, _options.NearCache, _options.Clock) : null;
        // Every operation the entry grain takes is a read, a versioned write or a remove: safe to send twice.
        _batcher = new AutoBatcher<CacheOperation, CacheOperationResult>(
            operations => ResendRejectedAsync(() => Cache.ExecuteAsync(operations)), maxBatch: 256, maxInFlight: 4, _options.OperationTimeout);
        var dataPortSerializer = _options.UseDataPort ? orleansSerializer ?? (grains as IClusterClient)?.ServiceProvider.GetService<Orleans.Serialization.Serializer>() : null;
        _router = _options.ReadFromNodes || _options.WriteToPrimary
            ? new NodeRouter(grains, _options.RoutingRefreshInterval, _options.OperationTimeout, dataPortSerializer, () => Interlocked.Add(ref _resent, _batcher.ResendInFlight()))
            : null;
    }

    /// <summary>The near cache's counters, or null when it is off.</summary>
    public NearCacheCounters? NearCacheCounters => _near?.Counters;

    /// <summary>How many reads went straight to the nodes and how many through the entry grain; null when <see cref="DistCacheClientOptions.ReadFromNodes"/> is off.</summary>
    public NodeReadCounters? NodeReadCounters => _options.ReadFromNodes ? _router?.Counters : null;

    /// <summary>How many writes the keys' primary nodes coordinated and how many went through the entry grain; null when <see cref="DistCacheClientOptions.WriteToPrimary"/> is off.</summary>
    public NodeWriteCounters? NodeWriteCounters => _options.WriteToPrimary ? _router?.WriteCounters : null;

    /// <summary>How the direct operations used the silos' data ports; null when neither <see cref="DistCacheClientOptions.ReadFromNodes"/> nor <see cref="DistCacheClientOptions.WriteToPrimary"/> is on.</summary>
    public DataPortCounters? DataPortCounters => _router?.DataPortCounters;

    /// <summary>How many direct operations failed over at once because the routing found a node Failed while they waited.</summary>
    internal long AbandonedOperations => _router?.Abandoned ?? 0;

    /// <summary>How many operations in flight to the entry grain were sent again when a silo may have just died.</summary>
    internal long ResentOperations => Interlocked.Read(ref _resent);

    private ICacheGrain Cache => _grains.GetGrain<ICacheGrain>(0);

    /// <inheritdoc />
    public async Task<T?> GetAsync<T>(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default)
    {
        var bytes = await GetBytesAsync(key, consistency, cancellationToken);
        return bytes is null ? default : _serializer.Deserialize<T>(bytes);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetBytesAsync(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default)
    {
        CacheLimits.ValidateKey(key);
        var level = consistency ?? _options.DefaultConsistency;
        CacheLimits.ValidateConsistency(level);
        var near = level == ConsistencyLevel.Eventual ? _near : null;
        if (near is not null && near.TryGet(key, out var local))
        {
            return local;
        }

        var readBegan = near?.BeginRead() ?? 0;
        if (_options.ReadFromNodes && _router!.TryRead(key, level) is { } reading)
        {
            NodeReadResult? direct = null;
            try
            {
                direct = (await reading).Read;
            }
            catch (Exception)
            {
                // A node that failed or timed out: the entry grain below fails over, and reports the failure if it is real.
            }

            _router.Count(answered: direct is not null);
            if (direct is not null)
            {
                near?.Store(key, direct.ToItem(), readBegan);
                Observe(direct.Version);
                return direct.Value;
            }
        }

        var item = (await BatchAsync(new CacheOperation(NodeOperationKind.Get, key, level), cancellationToken)).Item;
        near?.Store(key, item, readBegan);
        Observe(item?.Version);
        return item?.Value;
    }

    /// <inheritdoc />
    public Task<CacheVersion> SetAsync<T>(string key, T value, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        CacheLimits.ValidateKey(key);
        return SetBytesAsync(key, _serializer.Serialize(value), options, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CacheVersion> SetBytesAsync(string key, byte[] value, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (ttl, level, tags) = Resolve(key, value, options);
        var version = (await WriteAsync(new CacheOperation(NodeOperationKind.Set, key, level, value, ttl, tags) { Observed = Observed }, cancellationToken)).Version;
        _near?.Invalidate(key);
        Observe(version);
        return version;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default)
    {
        CacheLimits.ValidateKey(key);
        var level = consistency ?? _options.DefaultConsistency;
        CacheLimits.ValidateConsistency(level);
        Observe((await WriteAsync(new CacheOperation(NodeOperationKind.Remove, key, level) { Observed = Observed }, cancellationToken)).Version);
        _near?.Invalidate(key);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, ConsistencyLevel? consistency = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var key in distinct)
        {
            CacheLimits.ValidateKey(key);
        }

        var values = await Task.WhenAll(distinct.Select(key => GetAsync<T>(key, consistency, cancellationToken)));
        return distinct.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> entries, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);

        // Everything is checked and serialized first, so one bad entry writes nothing.
        var serialized = entries.Select(e => (e.Key, Value: _serializer.Serialize(e.Value))).ToArray();
        foreach (var (key, value) in serialized)
        {
            Resolve(key, value, options);
        }

        await Task.WhenAll(serialized.Select(e => SetBytesAsync(e.Key, e.Value, options, cancellationToken)));
    }

    /// <inheritdoc />
    public async Task<T> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T>> factory, DistCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Resolve(key, [], options);
        var cached = await GetBytesAsync(key, options?.Consistency, cancellationToken);
        if (cached is not null)
        {
            return _serializer.Deserialize<T>(cached);
        }

        // One fill per key in this process; its callers share the result.
        var fill = _fills.GetOrAdd(key, k => new Lazy<Task<byte[]>>(() => FillAsync(k, async () => _serializer.Serialize(await factory(CancellationToken.None)), options)));
        try
        {
            return _serializer.Deserialize<T>(await fill.Value.WaitAsync(cancellationToken));
        }
        finally
        {
            _fills.TryRemove(new KeyValuePair<string, Lazy<Task<byte[]>>>(key, fill));
        }
    }

    /// <inheritdoc />
    public Task<TagInvalidation> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        CacheLimits.ValidateTag(tag);
        return CallAsync(() => ResendRejectedAsync(() => Cache.InvalidateTagAsync(tag, Observed)), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_near is not null)
        {
            await _near.DisposeAsync();
        }

        if (_router is not null)
        {
            await _router.DisposeAsync();
        }
    }

    /// <summary>One fill across the cluster: take the lease and run the factory, or wait for whoever holds it.</summary>
    private async Task<byte[]> FillAsync(string key, Func<Task<byte[]>> factory, DistCacheEntryOptions? options)
    {
        var owner = Guid.NewGuid();
        while (true)
        {
            var lease = await CallAsync(() => ResendRejectedAsync(() => Cache.AcquireFillLeaseAsync(key, owner, _options.FillLeaseDuration)), CancellationToken.None);
            if (lease.Granted)
            {
                try
                {
                    var value = await factory();
                    await SetBytesAsync(key, value, options);
                    return value;
                }
                finally
                {
                    await CallAsync(() => ResendRejectedAsync(async () => { await Cache.ReleaseFillLeaseAsync(key, owner); return true; }), CancellationToken.None);
                }
            }

            // Another caller fills it: poll for its value, backing off, for as long as its lease lasts.
            var waited = Stopwatch.StartNew();
            var pause = TimeSpan.FromMilliseconds(10);
            while (waited.Elapsed < _options.FillLeaseDuration)
            {
                await Task.Delay(pause);
                if (await GetBytesAsync(key, ConsistencyLevel.Quorum) is { } filled)
                {
                    return filled;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
            }
        }
    }

    private (TimeSpan? Ttl, ConsistencyLevel Level, string[]? Tags) Resolve(string key, byte[] value, DistCacheEntryOptions? options)
    {
        CacheLimits.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        var ttl = options?.TimeToLive ?? _options.DefaultTimeToLive;
        var level = options?.Consistency ?? _options.DefaultConsistency;
        CacheLimits.ValidateTimeToLive(ttl);
        CacheLimits.ValidateConsistency(level);
        var tags = options?.Tags is { Count: > 0 } given ? given.ToArray() : null;
        CacheLimits.ValidateTags(tags);
        return (ttl, level, tags);
    }

    private long Observed => Volatile.Read(ref _observed);

    /// <summary>Remembers the newest version timestamp seen, so the next write is stamped above it.</summary>
    private void Observe(CacheVersion? version)
    {
        var timestamp = version?.Timestamp ?? 0;
        for (var seen = Observed; timestamp > seen; seen = Observed)
        {
            if (Interlocked.CompareExchange(ref _observed, timestamp, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends a set or remove to the key's primary node; through the entry grain when there is no routing
    /// yet, or the primary refused the batch, could not be reached or did not answer in time (a primary
    /// whose silo died with the batch in flight never answers). Both together take at most the operation timeout.
    /// </summary>
    private async Task<CacheOperationResult> WriteAsync(CacheOperation operation, CancellationToken cancellationToken)
    {
        if (!_options.WriteToPrimary || _router!.TryWrite(operation) is not { } direct)
        {
            return await BatchAsync(operation, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        CacheOperationResult? result = null;
        try
        {
            result = (await CallAsync(() => direct, cancellationToken, bounded: true)).Write;
        }
        catch (Exception error) when (error is ClusterUnavailableException or NodeUnavailableException or DistCacheTimeoutException)
        {
            // The entry grain routes around the primary, whose silo may be gone. If the primary applied the
            // write before its answer was lost, the resend writes the same again, under a newer version.
        }

        _router.CountWrite(direct: result is not null);
        if (result is not null)
        {
            return Unwrap(result);
        }

        var left = _options.OperationTimeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero
            ? Unwrap(await CallAsync(() => _batcher.SendAsync(operation).WaitAsync(left), cancellationToken, bounded: true))
            : throw new DistCacheTimeoutException($"The operation took longer than the client's operation timeout of {_options.OperationTimeout}.");
    }

    /// <summary>Sends one operation in the next batch to the entry grain; its own failure is rethrown as it was raised in the cluster.</summary>
    private async Task<CacheOperationResult> BatchAsync(CacheOperation operation, CancellationToken cancellationToken) =>
        Unwrap(await CallAsync(() => _batcher.SendAsync(operation), cancellationToken, bounded: true));

    private static CacheOperationResult Unwrap(CacheOperationResult result)
    {
        if (result.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return result;
    }

    /// <summary>
    /// Makes a grain call, and makes it again, twice at most, when Orleans rejects it before delivery. For a
    /// moment after a silo dies, the Orleans client still picks that silo's gateway for new calls, and rejects
    /// them when it cannot connect (measured: the first fallbacks after a kill failed so, while other gateways
    /// were up); by the next attempt it has marked the gateway dead. A rejected call never ran in a grain, and
    /// every call resent here is idempotent or versioned anyway.
    /// </summary>
    private static async Task<T> ResendRejectedAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (OrleansMessageRejectionException) when (attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25 * attempt));
            }
        }
    }

    /// <summary>Runs one grain call with the operation timeout, translating Orleans' failures.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, bool bounded = false)
    {
        try
        {
            // A batched call is bounded by the batcher already; a timer per operation would cost more than the call.
            var task = call();
            return bounded && !cancellationToken.CanBeCanceled ? await task : await task.WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (TimeoutException error)
        {
            throw new DistCacheTimeoutException($"The operation took longer than the client's operation timeout of {_options.OperationTimeout}.", error);
        }
        catch (Exception error) when (error is OrleansException or ObjectDisposedException)
        {
            throw new ClusterUnavailableException($"The DistCache cluster could not be reached: {error.Message}", error);
        }
    }

    private async Task CallAsync(Func<Task> call, CancellationToken cancellationToken) =>
        await CallAsync(async () => { await call(); return true; }, cancellationToken);
}
