using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using HdrHistogram;

namespace DistCache.Benchmarks;

/// <summary>
/// Runs the same workload against each target in turn, in one process on one machine, and prints a
/// table with each target's throughput as a ratio to redis-server's in the same run.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(LoadSettings settings)
    {
        Console.WriteLine($"Workload: {settings.Describe()}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

        // Ctrl+C and SIGTERM end the run early but cleanly: the targets are disposed, so the servers and
        // silos they started stop with it instead of loading the machine under every later run. A second
        // signal ends the process at once (its exit handler still kills the child processes).
        using var interrupted = new CancellationTokenSource();
        void Interrupt(PosixSignalContext signal)
        {
            signal.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        var rounds = new List<List<LoadResult>>();
        for (var round = 1; round <= settings.Rounds && !interrupted.IsCancellationRequested; round++)
        {
            var results = new List<LoadResult>();
            rounds.Add(results);
            foreach (var name in settings.Targets.TakeWhile(_ => !interrupted.IsCancellationRequested))
            {
                results.Add(await RunTargetAsync(name, settings, interrupted.Token));
            }

            Console.WriteLine();
            if (settings.Rounds > 1)
            {
                Console.WriteLine($"Round {round} of {settings.Rounds}:");
            }

            Console.WriteLine(Table(results));
        }

        if (settings.Rounds > 1)
        {
            Console.WriteLine();
            Console.WriteLine($"Medians over {rounds.Count} rounds (each ratio against redis in the same round):");
            Console.WriteLine(Summary(rounds));
        }

        if (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("Interrupted: the last target's numbers cover only the time it ran, and the targets after it did not run.");
            return 130;
        }

        return 0;
    }

    /// <summary>Starts one target, runs the workload on it, and stops it; a target that cannot start here is reported as skipped.</summary>
    private static async Task<LoadResult> RunTargetAsync(string name, LoadSettings settings, CancellationToken interrupted)
    {
        await using var target = Create(name, settings.NodesPerSilo);
        string? skipped;
        try
        {
            skipped = await target.StartAsync();
        }
        catch (Exception error)
        {
            skipped = $"could not start: {error.GetType().Name}: {error.Message.Split('\n')[0]}";
        }

        if (skipped is not null)
        {
            Console.WriteLine($"{name}: skipped, {skipped}");
            return new LoadResult(name, 0, 0, 0, 0, 0, 0, skipped);
        }

        try
        {
            return await RunAsync(target, settings, interrupted);
        }
        catch (Exception) when (interrupted.IsCancellationRequested)
        {
            // Interrupted while writing the keys, before there was anything to measure.
            return new LoadResult(name, 0, 0, 0, 0, 0, 0, "interrupted");
        }
    }

    /// <summary>Per target, the median of its rounds: throughput, ratio to redis in the same round, and p99.</summary>
    public static string Summary(IReadOnlyList<IReadOnlyList<LoadResult>> rounds)
    {
        var lines = new List<string>
        {
            "| target | runs | ops/s | vs redis (range) | p99 (ms) | errors |",
            "|---|---:|---:|---|---:|---:|",
        };
        foreach (var target in rounds.SelectMany(r => r).Select(r => r.Target).Distinct())
        {
            var runs = rounds.SelectMany(round => round.Where(r => r.Target == target && r.Skipped is null)
                .Select(r => (Result: r, Redis: round.FirstOrDefault(x => x.Target == "redis" && x.Skipped is null)?.OpsPerSecond))).ToList();
            if (runs.Count == 0)
            {
                lines.Add($"| {target} | 0 | | | | |");
                continue;
            }

            var ratios = runs.Where(r => r.Redis is > 0).Select(r => r.Result.OpsPerSecond / r.Redis!.Value).ToList();
            var vsRedis = ratios.Count == 0 ? "n/a"
                : $"{Median(ratios).ToString("0.00x", CultureInfo.InvariantCulture)} ({ratios.Min().ToString("0.00x", CultureInfo.InvariantCulture)} to {ratios.Max().ToString("0.00x", CultureInfo.InvariantCulture)})";
            var ops = Median(runs.Select(r => r.Result.OpsPerSecond).ToList());
            var p99 = Median(runs.Select(r => r.Result.P99 / 1000.0).ToList());
            lines.Add($"| {target} | {runs.Count} | {ops.ToString("N0", CultureInfo.InvariantCulture)} | {vsRedis} | {p99.ToString("0.00", CultureInfo.InvariantCulture)} | {runs.Sum(r => r.Result.Errors)} |");
        }

        return string.Join('\n', lines);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    public static string Table(IReadOnlyList<LoadResult> results)
    {
        var redis = results.FirstOrDefault(r => r.Target == "redis" && r.Skipped is null)?.OpsPerSecond;
        var lines = new List<string>
        {
            "| target | ops/s | vs redis | p50 (ms) | p99 (ms) | p99.9 (ms) | errors | hit ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture);
        foreach (var r in results)
        {
            lines.Add(r.Skipped is not null
                ? $"| {r.Target} | skipped: {r.Skipped} | | | | | | |"
                : $"| {r.Target} | {r.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} | {(redis is > 0 ? (r.OpsPerSecond / redis.Value).ToString("0.00x", CultureInfo.InvariantCulture) : "n/a")} | {Ms(r.P50)} | {Ms(r.P99)} | {Ms(r.P999)} | {r.Errors} | {r.HitRatio:P1} |");
        }

        return string.Join('\n', lines);
    }

    private static ILoadTarget Create(string name, int nodes) => name switch
    {
        "redis" => RedisTarget.Redis(),
        "garnet" => RedisTarget.Garnet(),
        "distcache-1silo-rf1-eventual" => new DistCacheTarget(1, 1, ConsistencyLevel.Eventual, nodes),
        "distcache-1silo-rf1-eventual-near" => new DistCacheTarget(1, 1, ConsistencyLevel.Eventual, nodes, near: true),
        "distcache-1silo-rf1-eventual-twohop" => new DistCacheTarget(1, 1, ConsistencyLevel.Eventual, nodes, direct: false),
        "distcache-1silo-rf1-eventual-grain" => new DistCacheTarget(1, 1, ConsistencyLevel.Eventual, nodes, dataPort: false),
        "distcache-1silo-rf3-quorum" => new DistCacheTarget(1, 3, ConsistencyLevel.Quorum, nodes),
        "distcache-1silo-rf3-quorum-grain" => new DistCacheTarget(1, 3, ConsistencyLevel.Quorum, nodes, dataPort: false),
        "distcache-1silo-rf3-quorum-twohop" => new DistCacheTarget(1, 3, ConsistencyLevel.Quorum, nodes, direct: false),
        "distcache-1silo-rf3-strong" => new DistCacheTarget(1, 3, ConsistencyLevel.Strong, nodes),
        "distcache-3silo-rf3-quorum" => new DistCacheTarget(3, 3, ConsistencyLevel.Quorum, nodes),
        "distcache-3silo-rf3-quorum-grain" => new DistCacheTarget(3, 3, ConsistencyLevel.Quorum, nodes, dataPort: false),
        "grain-per-key" => new GrainPerKeyTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}'."),
    };

    private static async Task<LoadResult> RunAsync(ILoadTarget target, LoadSettings settings, CancellationToken interrupted)
    {
        var keys = Enumerable.Range(0, settings.Keys).Select(i => $"key:{i:D7}").ToArray();
        var value = new byte[settings.ValueBytes];
        Random.Shared.NextBytes(value);

        // Every key exists before the run, so reads measure hits.
        var fill = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = settings.Workers }, async (key, _) => await target.SetAsync(key, value));
        Console.WriteLine($"{target.Name}: {keys.Length:N0} keys written in {fill.Elapsed.TotalSeconds:0.0} s; warming up {settings.Warmup.TotalSeconds:0} s");

        var chooser = new KeyChooser(keys.Length, settings.Zipfian);
        var workers = Enumerable.Range(0, settings.Workers).Select(i => new Worker(target, keys, value, chooser, settings.ReadRatio, i)).ToArray();
        using var stop = new CancellationTokenSource();
        var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToArray();

        await PauseAsync(settings.Warmup, interrupted);
        foreach (var worker in workers)
        {
            worker.StartMeasuring();
        }

        var measured = Stopwatch.StartNew();
        while (measured.Elapsed < settings.Duration && !interrupted.IsCancellationRequested)
        {
            await PauseAsync(TimeSpan.FromSeconds(1), interrupted);
            var ops = workers.Sum(w => w.Operations);
            Console.Write($"\r{target.Name}: {measured.Elapsed.TotalSeconds,4:0} s  {ops / measured.Elapsed.TotalSeconds,12:N0} ops/s   ");
        }

        foreach (var worker in workers)
        {
            worker.StopMeasuring();
        }

        var elapsed = measured.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(running);
        Console.WriteLine();
        foreach (var (kind, message) in workers.SelectMany(w => w.FirstErrors).DistinctBy(e => e.Key))
        {
            Console.WriteLine($"{target.Name}: errors of kind {kind}, the first: {message}");
        }

        if (await target.RemarksAsync() is { } remarks)
        {
            Console.WriteLine($"{target.Name}: {remarks}");
        }

        var (histogram, readsOnly, writesOnly) = (new LongHistogram(TimeStamp.Hours(1), 3), new LongHistogram(TimeStamp.Hours(1), 3), new LongHistogram(TimeStamp.Hours(1), 3));
        foreach (var worker in workers)
        {
            readsOnly.Add(worker.ReadLatencies);
            writesOnly.Add(worker.WriteLatencies);
        }

        histogram.Add(readsOnly);
        histogram.Add(writesOnly);
        string Ms(LongHistogram h, double percentile) =>
            (h.GetValueAtPercentile(percentile) / (double)TimeStamp.Seconds(1) * 1000).ToString("0.00", CultureInfo.InvariantCulture);

        // With 10 % writes, the overall p99 lies among the slowest writes when writes are slower than reads.
        Console.WriteLine($"{target.Name}: reads p50 {Ms(readsOnly, 50)} ms, p99 {Ms(readsOnly, 99)} ms; writes p50 {Ms(writesOnly, 50)} ms, p99 {Ms(writesOnly, 99)} ms");

        var total = workers.Sum(w => w.Operations);
        var reads = workers.Sum(w => w.Reads);
        return new LoadResult(
            target.Name,
            total / elapsed.TotalSeconds,
            histogram.GetValueAtPercentile(50) / (TimeStamp.Seconds(1) / 1_000_000),
            histogram.GetValueAtPercentile(99) / (TimeStamp.Seconds(1) / 1_000_000),
            histogram.GetValueAtPercentile(99.9) / (TimeStamp.Seconds(1) / 1_000_000),
            workers.Sum(w => w.Errors),
            reads == 0 ? 0 : (double)workers.Sum(w => w.Hits) / reads);
    }

    /// <summary>Waits <paramref name="time"/>, or less if interrupted; never throws.</summary>
    private static Task PauseAsync(TimeSpan time, CancellationToken interrupted) =>
        Task.Delay(time, interrupted).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>One client worker: issues operations one after another, recording each latency while measuring.</summary>
    private sealed class Worker(ILoadTarget target, string[] keys, byte[] value, KeyChooser chooser, double readRatio, int seed)
    {
        private readonly Random _random = new(seed);
        private volatile bool _measuring;

        public LongHistogram ReadLatencies { get; } = new(TimeStamp.Hours(1), 3);

        public LongHistogram WriteLatencies { get; } = new(TimeStamp.Hours(1), 3);

        public long Operations { get; private set; }

        public long Reads { get; private set; }

        public long Hits { get; private set; }

        public long Errors { get; private set; }

        /// <summary>The first error of each kind seen while measuring, so a run with errors says what they were.</summary>
        public Dictionary<string, string> FirstErrors { get; } = [];

        public void StartMeasuring() => _measuring = true;

        public void StopMeasuring() => _measuring = false;

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var key = keys[chooser.Next(_random)];
                var read = _random.NextDouble() < readRatio;
                var started = Stopwatch.GetTimestamp();
                bool hit;
                try
                {
                    if (read)
                    {
                        hit = await target.GetAsync(key);
                    }
                    else
                    {
                        await target.SetAsync(key, value);
                        hit = false;
                    }
                }
                catch (Exception error)
                {
                    // Once the run is over (or interrupted, when the servers may be gone already), failures are not counted.
                    if (_measuring && !stop.IsCancellationRequested)
                    {
                        Errors++;
                        FirstErrors.TryAdd(error.GetType().Name, error.Message.Split('\n')[0]);
                    }

                    continue;
                }

                if (_measuring)
                {
                    (read ? ReadLatencies : WriteLatencies).RecordValue(Stopwatch.GetTimestamp() - started);
                    Operations++;
                    Reads += read ? 1 : 0;
                    Hits += hit ? 1 : 0;
                }
            }
        }
    }
}
