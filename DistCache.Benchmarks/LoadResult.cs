namespace DistCache.Benchmarks;

/// <summary>One target's numbers; latencies in microseconds.</summary>
internal sealed record LoadResult(string Target, double OpsPerSecond, long P50, long P99, long P999, long Errors, double HitRatio, string? Skipped = null);
