using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace DistCache.Storage;

/// <summary>
/// One node's feed of invalidations to subscribers: keys that changed or went away, and tags
/// invalidated, gathered and sent as numbered batches. Consecutive numbers let a subscriber see a
/// lost batch; heartbeats while idle let it see silence; a new incarnation says the feed restarted.
/// Costs nothing while nobody subscribes.
/// </summary>
internal sealed class InvalidationFeed(string nodeId, TimeSpan subscriptionExpiry, TimeSpan heartbeatInterval, ILogger logger)
{
    private readonly ObserverManager<ICacheInvalidationObserver> _observers = new(subscriptionExpiry, logger);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _tags = [];
    private readonly Guid _incarnation = Guid.NewGuid();
    private long _sequence;
    private long _lastSentAt;

    public InvalidationCursor Cursor => new(nodeId, _incarnation, _sequence);

    public int Subscribers => _observers.Count;

    public InvalidationCursor Subscribe(ICacheInvalidationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Cursor;
    }

    public void KeyChanged(string key)
    {
        if (_observers.Count > 0)
        {
            _keys.Add(key);
        }
    }

    public void TagInvalidated(string tag)
    {
        if (_observers.Count > 0)
        {
            _tags.Add(tag);
        }
    }

    /// <summary>Sends what gathered since the last batch, or a heartbeat when nothing did for a heartbeat interval.</summary>
    public void Flush()
    {
        _observers.ClearExpired();
        if (_observers.Count == 0)
        {
            _keys.Clear();
            _tags.Clear();
            return;
        }

        InvalidationBatch batch;
        if (_keys.Count > 0 || _tags.Count > 0)
        {
            batch = new InvalidationBatch(new InvalidationCursor(nodeId, _incarnation, ++_sequence), [.. _keys], [.. _tags]);
            _keys.Clear();
            _tags.Clear();
        }
        else if (Stopwatch.GetElapsedTime(_lastSentAt) >= heartbeatInterval)
        {
            batch = new InvalidationBatch(Cursor, [], []);
        }
        else
        {
            return;
        }

        _lastSentAt = Stopwatch.GetTimestamp();
        _observers.Notify(observer => observer.OnInvalidatedAsync(batch));
    }
}
