using System.Collections.Concurrent;
using System.Text;

namespace DistCache.Tests.Cluster;

/// <summary>
/// Concurrent writers that record every acknowledged write (and when operations failed), so a test
/// can check afterwards that nothing acknowledged was lost.
/// </summary>
public sealed class Workload : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _acknowledged;

    public Workload(ICacheGrain cache, ConsistencyLevel level, int workers, string prefix)
        : this((key, value) => cache.SetAsync(key, value, null, level), workers, prefix)
    {
    }

    /// <param name="set">Writes one value and returns its version: through the entry grain, or a client.</param>
    /// <param name="workers">How many writers run at once.</param>
    /// <param name="prefix">Starts every key written.</param>
    public Workload(Func<string, byte[], Task<CacheVersion>> set, int workers, string prefix)
    {
        _workers = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            // Bounded: every worker stops after 100k writes even if the test forgets to stop it.
            for (var i = 0; i < 100_000 && !_stop.IsCancellationRequested; i++)
            {
                var key = $"{prefix}:{w}:{i}";
                var value = Encoding.UTF8.GetBytes($"value {w}/{i}");
                var started = Timeline.Now;
                try
                {
                    var version = await set(key, value);
                    Acknowledged[key] = new Acknowledged(value, version);
                    Interlocked.Increment(ref _acknowledged);
                    Timeline.Succeeded(started);
                }
                catch (Exception)
                {
                    Timeline.Failed();
                }
            }
        })).ToArray();
    }

    public ConcurrentDictionary<string, Acknowledged> Acknowledged { get; } = new();

    public Timeline Timeline { get; } = new();

    public int Failures => Timeline.Failures;

    public TimeSpan Elapsed => Timeline.Now;

    /// <summary>Writes until <paramref name="count"/> writes were acknowledged, stops, and returns them.</summary>
    public static async Task<Dictionary<string, Acknowledged>> WriteAsync(ICacheGrain cache, ConsistencyLevel level, string prefix, int count)
    {
        await using var writes = new Workload(cache, level, workers: 8, prefix);
        await writes.AcknowledgeMoreAsync(count);
        await writes.DisposeAsync();
        return writes.Acknowledged.ToDictionary();
    }

    /// <summary>Waits until <paramref name="more"/> further writes were acknowledged.</summary>
    public Task AcknowledgeMoreAsync(int more)
    {
        var target = Volatile.Read(ref _acknowledged) + more;
        return Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref _acknowledged) >= target), $"{more} more acknowledged writes", TimeSpan.FromSeconds(60));
    }

    public TimeSpan LongestOutageAfter(TimeSpan from) => Timeline.LongestOutageAfter(from);

    public TimeSpan LongestSuccessAfter(TimeSpan from) => Timeline.LongestSuccessAfter(from);

    /// <summary>Stops the writers and waits for them; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Task.WhenAll(_workers);
    }
}
