using System.Diagnostics;

namespace DistCache.Tests;

/// <summary>
/// Awaits a condition that other parts of the cluster make true (heartbeats, topology polls,
/// failure detection). A condition that throws is not true yet; the last error is reported on timeout.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception error)
            {
                lastError = error;
            }

            if (deadline.Elapsed > (timeout ?? DefaultTimeout))
            {
                throw new TimeoutException(
                    $"Timed out after {deadline.Elapsed.TotalSeconds:0.0} s waiting for {what}." +
                    (lastError is null ? "" : $" The last check failed with {lastError.GetType().Name}: {lastError.Message}"), lastError);
            }

            await Task.Delay(20);
        }
    }

    public static async Task<T> MatchesAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var value = default(T)!;
        await TrueAsync(async () => done(value = await probe()), what, timeout);
        return value;
    }
}
