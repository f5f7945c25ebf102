namespace DistCache.Tests.Cluster;

/// <summary>Three silos, one node each, where every Eventual read also repairs in the background; anti-entropy stays off.</summary>
public sealed class ReadRepairCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 1, options => options.ReadRepairChance = 1);

[CollectionDefinition(Name)]
public sealed class ReadRepairGroup : ICollectionFixture<ReadRepairCluster>
{
    public const string Name = "read repair always";
}

/// <summary>Three silos, two nodes each, with anti-entropy every 200 ms.</summary>
public sealed class AntiEntropyCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 2, options => options.AntiEntropyInterval = TimeSpan.FromMilliseconds(200));

[CollectionDefinition(Name)]
public sealed class AntiEntropyGroup : ICollectionFixture<AntiEntropyCluster>
{
    public const string Name = "anti-entropy";
}
