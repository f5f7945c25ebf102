namespace DistCache.Tests.Cluster;

/// <summary>A write the cache acknowledged: what must survive.</summary>
public sealed record Acknowledged(byte[] Value, CacheVersion Version);
