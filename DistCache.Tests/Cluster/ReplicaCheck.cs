namespace DistCache.Tests.Cluster;

/// <summary>Checks that every acknowledged key is held, at least at its acknowledged version, by all its owners.</summary>
public static class ReplicaCheck
{
    public static async Task WaitForAllAsync(IGrainFactory grains, IReadOnlyDictionary<string, Acknowledged> keys, int owners, string what, TimeSpan timeout)
    {
        var problem = "";
        try
        {
            await Eventually.TrueAsync(async () => (problem = await FirstUnsettledAsync(grains, keys, owners)) is null, what, timeout);
        }
        catch (TimeoutException error)
        {
            throw new TimeoutException($"{error.Message} Still unsettled: {problem}", error);
        }
    }

    /// <summary>A description of the first key not yet fully replicated, or null when all are. Checks 256 keys at a time.</summary>
    public static async Task<string?> FirstUnsettledAsync(IGrainFactory grains, IReadOnlyDictionary<string, Acknowledged> keys, int owners)
    {
        foreach (var chunk in keys.Chunk(256))
        {
            var problems = await Task.WhenAll(chunk.Select(k => CheckAsync(grains, k.Key, k.Value, owners)));
            if (problems.FirstOrDefault(p => p is not null) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static async Task<string?> CheckAsync(IGrainFactory grains, string key, Acknowledged acked, int owners)
    {
        var replicas = await grains.GetGrain<ICacheGrain>(0).GetReplicasAsync(key);
        if (replicas.Count < owners)
        {
            return $"{key} has {replicas.Count} owners";
        }

        foreach (var owner in replicas)
        {
            try
            {
                var held = await grains.GetGrain<INodeGrain>(owner).GetAsync(key);
                if (held.Version < acked.Version)
                {
                    return $"{key} (acknowledged {acked.Version}) holds {held.Version} on owner {owner} of [{string.Join(", ", replicas)}]";
                }
            }
            catch (Exception error)
            {
                return $"{key} is routed to {owner}, which fails: {error.GetType().Name}: {error.Message}";
            }
        }

        return null;
    }
}
