namespace DistCache.Tests.Cluster;

/// <summary>Three silos with one node each: every key has a replica on every silo.</summary>
public sealed class ThreeSiloCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 1);

[CollectionDefinition(Name)]
public sealed class ThreeSiloGroup : ICollectionFixture<ThreeSiloCluster>
{
    public const string Name = "three silos";
}
