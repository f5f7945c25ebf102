namespace DistCache.Tests.Cluster;

/// <summary>One silo that hosts no nodes, for tests that drive the coordinator with nodes of their own.</summary>
public sealed class EmptyCluster() : CacheClusterFixture(silos: 1, nodesPerSilo: 0);

[CollectionDefinition(Name)]
public sealed class EmptyGroup : ICollectionFixture<EmptyCluster>
{
    public const string Name = "no nodes";
}
