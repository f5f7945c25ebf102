namespace DistCache.Tests.Cluster;

/// <summary>Checks that every acknowledged key is held, at least at its acknowledged version, by all its owners.</summary>
public static class ReplicaCheck
{
    /// <summary>Waits until every key is held at its acknowledged version by <paramref name="owners"/> of its owners (all of them by default), on distinct silos where that many exist.</summary>
    public static async Task WaitForAllAsync(IGrainFactory grains, IReadOnlyDictionary<string, Acknowledged> keys, int owners, string what, TimeSpan timeout, int? holding = null)
    {
        var problem = "";
        try
        {
            await Eventually.TrueAsync(async () => (problem = await FirstUnsettledAsync(grains, keys, owners, holding)) is null, what, timeout);
        }
        catch (TimeoutException error)
        {
            throw new TimeoutException($"{error.Message} Still unsettled: {problem}. {await WhoHoldsAsync(grains, problem)}", error);
        }
    }

    /// <summary>For diagnosis: the version every listed node holds for the key named at the start of <paramref name="problem"/>.</summary>
    private static async Task<string> WhoHoldsAsync(IGrainFactory grains, string? problem)
    {
        if (problem is null)
        {
            return "";
        }

        var key = problem.Split(' ')[0];
        var nodes = await grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey).GetNodesAsync();
        var held = await Task.WhenAll(nodes.Select(async n =>
        {
            try
            {
                return $"{n.NodeId} ({n.Status}): {(await grains.GetGrain<INodeGrain>(n.NodeId).GetAsync(key)).Version}";
            }
            catch (Exception error)
            {
                return $"{n.NodeId} ({n.Status}): {error.GetType().Name}";
            }
        }));
        return $"Held by: {string.Join("; ", held)}";
    }

    /// <summary>A description of the first key not yet fully replicated, or null when all are. Checks 256 keys at a time.</summary>
    public static async Task<string?> FirstUnsettledAsync(IGrainFactory grains, IReadOnlyDictionary<string, Acknowledged> keys, int owners, int? holding = null)
    {
        foreach (var chunk in keys.Chunk(256))
        {
            var problems = await Task.WhenAll(chunk.Select(k => CheckAsync(grains, k.Key, k.Value, owners, holding ?? owners)));
            if (problems.FirstOrDefault(p => p is not null) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static async Task<string?> CheckAsync(IGrainFactory grains, string key, Acknowledged acked, int owners, int holding)
    {
        var replicas = await grains.GetGrain<ICacheGrain>(0).GetReplicasAsync(key);
        if (replicas.Count < owners)
        {
            return $"{key} has {replicas.Count} owners";
        }

        var holders = new List<string>();
        foreach (var owner in replicas)
        {
            try
            {
                if ((await grains.GetGrain<INodeGrain>(owner).GetAsync(key)).Version >= acked.Version)
                {
                    holders.Add(owner);
                }
            }
            catch (Exception error)
            {
                return $"{key} is routed to {owner}, which fails: {error.GetType().Name}: {error.Message}";
            }
        }

        var silos = holders.Select(h => NodeIds.SiloOf(h)).Distinct().Count();
        var silosNeeded = Math.Min(holding, replicas.Select(r => NodeIds.SiloOf(r)).Distinct().Count());
        return holders.Count >= holding && silos >= silosNeeded
            ? null
            : $"{key} (acknowledged {acked.Version}) is held by [{string.Join(", ", holders)}] of its owners [{string.Join(", ", replicas)}]";
    }
}
