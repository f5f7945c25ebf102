using System.Diagnostics;
using DistCache;
using DistCache.Client;

namespace ModelRouter;

/// <summary>
/// Routes prompts through the rules, caching each decision in DistCache by the prompt's features,
/// with a TTL and the chosen model's tag, so a model that goes down takes all its routes with it.
/// </summary>
public sealed class CachedRouter(IDistCache cache, ModelCatalog catalog, TimeSpan? timeToLive = null)
{
    private readonly List<double> _latencies = [];
    private long _hits, _misses;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Route latencies so far in milliseconds, sorted.</summary>
    public double[] Latencies
    {
        get
        {
            lock (_latencies)
            {
                return [.. _latencies.Order()];
            }
        }
    }

    public async Task<(RouteDecision Decision, bool FromCache)> RouteAsync(string prompt, CancellationToken cancellationToken = default)
    {
        var features = PromptFeatures.Of(prompt);
        var watch = Stopwatch.StartNew();
        var cached = await cache.GetAsync<RouteDecision>(features.CacheKey, ConsistencyLevel.Eventual, cancellationToken);
        if (cached is not null && catalog.IsHealthy(cached.Model))
        {
            Record(watch, hit: true);
            return (cached, true);
        }

        var decision = RoutingRules.Route(features, catalog);
        await cache.SetAsync(features.CacheKey, decision, new DistCacheEntryOptions
        {
            TimeToLive = timeToLive ?? TimeSpan.FromMinutes(10),
            Consistency = ConsistencyLevel.Quorum,
            Tags = [catalog.Models.Single(m => m.Name == decision.Model).Tag],
        }, cancellationToken);
        Record(watch, hit: false);
        return (decision, false);
    }

    /// <summary>A model went down: stop routing to it and drop every cached route that chose it, on every node.</summary>
    public async Task<int> MarkDownAsync(string model, CancellationToken cancellationToken = default)
    {
        catalog.SetHealth(model, false);
        var invalidation = await cache.InvalidateTagAsync(catalog.Models.Single(m => m.Name == model).Tag, cancellationToken);
        return invalidation.Deleted;
    }

    private void Record(Stopwatch watch, bool hit)
    {
        Interlocked.Increment(ref hit ? ref _hits : ref _misses);
        lock (_latencies)
        {
            _latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
    }
}
