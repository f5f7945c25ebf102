namespace DistCache.Benchmarks;

/// <summary>A cache under load: started (servers, silos, client), driven with gets and sets, then stopped.</summary>
internal interface ILoadTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Starts what the target needs; returns why it cannot run here, or null.</summary>
    Task<string?> StartAsync();

    /// <summary>Whether the key was found.</summary>
    Task<bool> GetAsync(string key);

    Task SetAsync(string key, byte[] value);

    /// <summary>What the target itself counted during the run worth printing beside the numbers, or null.</summary>
    Task<string?> RemarksAsync() => Task.FromResult<string?>(null);
}
