namespace DistCache.Tests.Cluster;

/// <summary>Three silos, one node each, where every Eventual read also repairs in the background; anti-entropy stays off.</summary>
public sealed class ReadRepairCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 1, options => options.ReadRepairChance = 1);

[CollectionDefinition(Name)]
public sealed class ReadRepairGroup : ICollectionFixture<ReadRepairCluster>
{
    public const string Name = "read repair always";
}

/// <summary>Three silos, two nodes each, with anti-entropy every 200 ms walking stores 16 slots per turn, so rounds yield between chunks as on a big node.</summary>
public sealed class AntiEntropyCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 2, options => (options.AntiEntropyInterval, options.AntiEntropyScanChunk) = (TimeSpan.FromMilliseconds(200), 16));

[CollectionDefinition(Name)]
public sealed class AntiEntropyGroup : ICollectionFixture<AntiEntropyCluster>
{
    public const string Name = "anti-entropy";
}

/// <summary>
/// Three silos, one node each, for client tests. They move the shared fake clock far and fast (TTLs,
/// sliding expirations), so the heartbeat timeout is a day: no jump can mark a node Failed.
/// </summary>
public sealed class ClientCluster() : CacheClusterFixture(silos: 3, nodesPerSilo: 1, options =>
{
    options.HeartbeatTimeout = TimeSpan.FromDays(1);
    options.FailedNodeRetention = TimeSpan.FromDays(2);

    // Short, so the client's direct Quorum reads (off while keys may be moving) are tested soon after start.
    options.HandoffReadWindow = TimeSpan.FromSeconds(2);
});

[CollectionDefinition(Name)]
public sealed class ClientGroup : ICollectionFixture<ClientCluster>
{
    public const string Name = "client";
}
