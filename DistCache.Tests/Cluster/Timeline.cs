using System.Collections.Concurrent;
using System.Diagnostics;

namespace DistCache.Tests.Cluster;

/// <summary>When operations succeeded and failed, to measure how long a service was unavailable.</summary>
public sealed class Timeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<TimeSpan> _failures = [];
    private readonly ConcurrentBag<(TimeSpan Started, TimeSpan Ended)> _successes = [];

    public TimeSpan Now => _clock.Elapsed;

    public int Failures => _failures.Count;

    public int Successes => _successes.Count;

    /// <summary>Records a success that started at <paramref name="started"/> (a <see cref="Now"/>), so its wait counts.</summary>
    public void Succeeded(TimeSpan started) => _successes.Add((started, _clock.Elapsed));

    public void Failed() => _failures.Add(_clock.Elapsed);

    /// <summary>Keys a reader found missing although they were acknowledged: data loss, never just unavailability.</summary>
    public ConcurrentBag<string> MissingKeys { get; } = [];

    public void Missing(string key) => MissingKeys.Add(key);

    /// <summary>From the first failure after <paramref name="from"/> to the next success: how long operations were unavailable.</summary>
    public TimeSpan LongestOutageAfter(TimeSpan from)
    {
        var firstFailure = _failures.Where(f => f >= from).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        if (firstFailure == TimeSpan.MaxValue)
        {
            return TimeSpan.Zero;
        }

        var recovered = _successes.Select(s => s.Ended).Where(ended => ended > firstFailure).DefaultIfEmpty(_clock.Elapsed).Min();
        return recovered - firstFailure;
    }

    /// <summary>
    /// The longest successful operation that ended after <paramref name="from"/>, timed with <see cref="Succeeded(TimeSpan)"/>:
    /// how long a caller waited across a fault, which the outage (failures only) does not show.
    /// </summary>
    public TimeSpan LongestSuccessAfter(TimeSpan from) =>
        _successes.Where(s => s.Ended >= from).Select(s => s.Ended - s.Started).DefaultIfEmpty(TimeSpan.Zero).Max();
}
