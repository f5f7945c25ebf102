using System.Globalization;

namespace DistCache.Benchmarks;

/// <summary>What one load run does; every target gets the same.</summary>
internal sealed record LoadSettings
{
    public static readonly string[] AllTargets =
        [
            "redis", "garnet", "distcache-1silo-rf1-eventual", "distcache-1silo-rf1-eventual-near", "distcache-1silo-rf1-eventual-twohop", "distcache-1silo-rf1-eventual-grain",
            "distcache-1silo-rf3-quorum", "distcache-1silo-rf3-quorum-twohop", "distcache-1silo-rf3-quorum-grain", "distcache-1silo-rf3-strong",
            "distcache-3silo-rf3-quorum", "distcache-3silo-rf3-quorum-grain", "grain-per-key",
        ];

    public IReadOnlyList<string> Targets { get; init; } = AllTargets;

    public int Workers { get; init; } = 64;

    public int Keys { get; init; } = 100_000;

    public int ValueBytes { get; init; } = 1024;

    public double ReadRatio { get; init; } = 0.9;

    public bool Zipfian { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Cache nodes in each DistCache silo (the silo's default is 3; RF 3 on one silo needs 3).</summary>
    public int NodesPerSilo { get; init; } = 3;

    /// <summary>How many times to run the targets, in turn, so that each gets several runs spread over the same period.</summary>
    public int Rounds { get; init; } = 1;

    public string Describe() =>
        $"{Workers} workers, {Keys:N0} keys, {ValueBytes} B values, {ReadRatio:P0} reads, {(Zipfian ? "Zipfian (s=0.99)" : "uniform")} keys, {Warmup.TotalSeconds:0} s warm-up, {Duration.TotalSeconds:0} s measured, {NodesPerSilo} DistCache nodes per silo{(Rounds > 1 ? $", {Rounds} rounds" : "")}";

    /// <summary>Options: --targets a,b --workers N --keys N --value-bytes N --reads 0.9 --zipf --duration S --warmup S --nodes-per-silo N --rounds N.</summary>
    public static LoadSettings Parse(string[] args)
    {
        var settings = new LoadSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            settings = args[i] switch
            {
                "--targets" => settings with { Targets = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--workers" => settings with { Workers = Int() },
                "--keys" => settings with { Keys = Int() },
                "--value-bytes" => settings with { ValueBytes = Int() },
                "--reads" => settings with { ReadRatio = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--zipf" => settings with { Zipfian = true },
                "--duration" => settings with { Duration = TimeSpan.FromSeconds(Int()) },
                "--warmup" => settings with { Warmup = TimeSpan.FromSeconds(Int()) },
                "--nodes-per-silo" => settings with { NodesPerSilo = Int() },
                "--rounds" => settings with { Rounds = Int() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        if (settings.Workers <= 0 || settings.Keys <= 0 || settings.ValueBytes < 0 || settings.ReadRatio is < 0 or > 1 || settings.Duration <= TimeSpan.Zero || settings.NodesPerSilo <= 0)
        {
            throw new ArgumentException($"Settings out of range: {settings.Describe()}");
        }

        if (settings.Rounds <= 0)
        {
            throw new ArgumentException($"--rounds must be at least 1, not {settings.Rounds}.");
        }

        var unknown = settings.Targets.Except(AllTargets).ToList();
        return unknown.Count == 0 ? settings : throw new ArgumentException($"Unknown targets: {string.Join(", ", unknown)}; known: {string.Join(", ", AllTargets)}");
    }
}
