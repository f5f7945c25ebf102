using Orleans.Concurrency;

namespace DistCache;

/// <summary>
/// Receives a node's invalidations: keys whose value changed or went away there, and tags invalidated.
/// Every replica of a key reports it, so a key may arrive more than once.
/// </summary>
public interface ICacheInvalidationObserver : IGrainObserver
{
    /// <summary>
    /// A batch of invalidations, or an empty heartbeat. Batches of one node carry consecutive
    /// <see cref="InvalidationCursor.Sequence"/> numbers, so a gap says messages were lost.
    /// </summary>
    [OneWay]
    Task OnInvalidatedAsync(InvalidationBatch batch);
}
