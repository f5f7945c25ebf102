using System.Diagnostics;

namespace DistCache.Client;

/// <summary>
/// Subscribes to the invalidation feed of every cache node and raises <see cref="Invalidated"/> for
/// each batch. It also tells when it may have missed something, so a near cache can drop what it holds
/// instead of staying stale: batches that a node sent (as later batches, heartbeats or renewals show)
/// but that have not arrived within <see cref="CacheInvalidationListenerOptions.StaleAfter"/>, a node
/// that restarted, or a node silent for that long.
/// Keep the listener referenced while in use; dispose it to unsubscribe.
/// </summary>
public sealed class CacheInvalidationListener : ICacheInvalidationObserver, IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly CacheInvalidationListenerOptions _options;
    private readonly Dictionary<string, NodeFeed> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private ICacheInvalidationObserver? _reference;
    private Task _loop = Task.CompletedTask;
    private long _staleSignals;
    private int _disposed;

    private CacheInvalidationListener(IGrainFactory grains, CacheInvalidationListenerOptions options) =>
        (_grains, _options) = (grains, options);

    /// <summary>A batch of keys and tags invalidated on one node. Raised on an Orleans thread; keep handlers short.</summary>
    public event Action<InvalidationBatch>? Invalidated;

    /// <summary>The listener may have missed invalidations; the argument says why. Drop what was cached.</summary>
    public event Action<string>? MayBeStale;

    /// <summary>How many times <see cref="MayBeStale"/> was raised.</summary>
    public long StaleSignals => Interlocked.Read(ref _staleSignals);

    /// <summary>The nodes whose feed the listener follows.</summary>
    public IReadOnlyList<string> Nodes
    {
        get
        {
            lock (_nodes)
            {
                return [.. _nodes.Keys];
            }
        }
    }

    /// <summary>Subscribes to every node and starts renewing the subscription in the background.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting in <paramref name="options"/> is out of range.</exception>
    public static async Task<CacheInvalidationListener> StartAsync(IGrainFactory grains, CacheInvalidationListenerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        options ??= new CacheInvalidationListenerOptions();
        options.Validate();
        var listener = new CacheInvalidationListener(grains, options);
        listener._reference = grains.CreateObjectReference<ICacheInvalidationObserver>(listener);
        await listener.RenewAsync();
        listener._loop = listener.RunAsync(listener._stop.Token);
        return listener;
    }

    /// <inheritdoc />
    Task ICacheInvalidationObserver.OnInvalidatedAsync(InvalidationBatch batch)
    {
        var cursor = batch.Cursor;
        string? stale = null;
        lock (_nodes)
        {
            if (!_nodes.TryGetValue(cursor.NodeId, out var feed))
            {
                // Before the subscription call returned: this batch sets where the feed stands.
                _nodes[cursor.NodeId] = new NodeFeed(cursor.Incarnation, cursor.Sequence);
            }
            else
            {
                stale = feed.Receive(cursor, batch.IsHeartbeat);
            }
        }

        if (!batch.IsHeartbeat)
        {
            Invalidated?.Invoke(batch);
        }

        if (stale is not null)
        {
            RaiseStale(stale);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        if (_reference is not null)
        {
            _grains.DeleteObjectReference<ICacheInvalidationObserver>(_reference);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var tick = TimeSpan.FromTicks(Math.Min(_options.RenewInterval.Ticks, _options.StaleAfter.Ticks) / 2);
        using var timer = new PeriodicTimer(tick);
        var lastRenewal = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var reason in Problems())
                {
                    RaiseStale(reason);
                }

                if (Stopwatch.GetElapsedTime(lastRenewal) >= _options.RenewInterval)
                {
                    lastRenewal = Stopwatch.GetTimestamp();
                    try
                    {
                        await RenewAsync();
                    }
                    catch (Exception error) when (error is not OperationCanceledException)
                    {
                        // The cluster is unreachable; silence detection reports it, and the next renewal retries.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task RenewAsync()
    {
        var cursors = await _grains.GetGrain<ICacheGrain>(0).SubscribeAsync(_reference!);
        var stale = new List<string>();
        lock (_nodes)
        {
            foreach (var cursor in cursors)
            {
                if (!_nodes.TryGetValue(cursor.NodeId, out var feed))
                {
                    _nodes[cursor.NodeId] = new NodeFeed(cursor.Incarnation, cursor.Sequence);
                }
                else if (feed.Renewed(cursor) is { } reason)
                {
                    stale.Add(reason);
                }
            }

            // Nodes gone from the topology: their keys' other replicas report for them now.
            foreach (var gone in _nodes.Keys.Except(cursors.Select(c => c.NodeId)).ToList())
            {
                _nodes.Remove(gone);
            }
        }

        foreach (var reason in stale)
        {
            RaiseStale(reason);
        }
    }

    private List<string> Problems()
    {
        lock (_nodes)
        {
            return _nodes.Select(n => n.Value.Check(n.Key, _options.StaleAfter)).OfType<string>().ToList();
        }
    }

    private void RaiseStale(string reason)
    {
        Interlocked.Increment(ref _staleSignals);
        MayBeStale?.Invoke(reason);
    }

    /// <summary>What the listener knows of one node's feed.</summary>
    /// <remarks>
    /// Orleans may deliver one node's batches out of order under load, so a batch numbered past the
    /// next one expected opens a gap rather than a stale signal: the batches in it are missed only if
    /// they have not all arrived when the listener checks, <c>StaleAfter</c> after the gap opened.
    /// </remarks>
    private sealed class NodeFeed(Guid incarnation, long sequence)
    {
        private readonly SortedSet<long> _ahead = [];
        private Guid _incarnation = incarnation;
        private long _sequence = sequence;
        private long _heardAt = Stopwatch.GetTimestamp();
        private bool _silent;
        private long _awaited = sequence;
        private long _gapSince;

        /// <summary>Takes a batch or heartbeat in; returns why the listener may be stale, or null.</summary>
        public string? Receive(InvalidationCursor cursor, bool heartbeat)
        {
            _heardAt = Stopwatch.GetTimestamp();
            _silent = false;
            if (cursor.Incarnation != _incarnation)
            {
                Restart(cursor);
                return $"node {cursor.NodeId} restarted its feed";
            }

            if (!heartbeat && cursor.Sequence > _sequence)
            {
                _ahead.Add(cursor.Sequence);
                while (_ahead.Remove(_sequence + 1))
                {
                    _sequence++;
                }
            }

            // A heartbeat carries the number of the last batch sent: those up to it are on their way.
            Await(cursor.Sequence);
            return null;
        }

        /// <summary>Takes a renewal's cursor in; returns why the listener may be stale, or null.</summary>
        public string? Renewed(InvalidationCursor cursor)
        {
            if (cursor.Incarnation != _incarnation)
            {
                Restart(cursor);
                return $"node {cursor.NodeId} restarted its feed";
            }

            // Batches up to the cursor were sent; the last may still be in flight, so judge at a later check.
            Await(cursor.Sequence);
            return null;
        }

        /// <summary>Why the listener may be stale on this node's account, reported once per problem; or null.</summary>
        public string? Check(string nodeId, TimeSpan limit)
        {
            if (_awaited > _sequence && Stopwatch.GetElapsedTime(_gapSince) >= limit)
            {
                // Everything received out of order lies at or below what was awaited.
                var missed = _awaited - _sequence - _ahead.Count;
                (_sequence, _gapSince) = (_awaited, 0);
                _ahead.Clear();
                return $"node {nodeId} sent {missed} batches this listener never received";
            }

            if (!_silent && Stopwatch.GetElapsedTime(_heardAt) >= limit)
            {
                _silent = true;
                return $"node {nodeId} was silent for more than {limit}";
            }

            return null;
        }

        /// <summary>Batches up to <paramref name="sequence"/> exist; a gap below it opens now unless one is already open.</summary>
        private void Await(long sequence)
        {
            _awaited = Math.Max(_awaited, sequence);
            if (_awaited <= _sequence)
            {
                _gapSince = 0;
            }
            else if (_gapSince == 0)
            {
                _gapSince = Stopwatch.GetTimestamp();
            }
        }

        private void Restart(InvalidationCursor cursor)
        {
            (_incarnation, _sequence, _awaited, _gapSince) = (cursor.Incarnation, cursor.Sequence, cursor.Sequence, 0);
            _ahead.Clear();
        }
    }
}
