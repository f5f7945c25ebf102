using DistCache.Tests.Cluster;

namespace DistCache.Tests.Client;

/// <summary>A client whose cluster is gone: bad arguments still fail first, and good calls fail with <see cref="ClusterUnavailableException"/>.</summary>
public sealed class UnreachableClusterTests
{
    [Fact]
    public async Task CallsToAStoppedClusterFailWithClusterUnavailableAfterArgumentsAreChecked()
    {
        var cluster = await ElasticCluster.StartAsync(silos: 1, replicationFactor: 1);
        await using var services = ClientFactory.Services(cluster, o => o.OperationTimeout = TimeSpan.FromSeconds(20));
        var cache = services.Cache();
        await cache.SetAsync(TestKey.New(), "reachable");

        await cluster.Cluster.StopAllSilosAsync();
        try
        {
            // Checked before any network call: the same error as with a healthy cluster.
            Assert.Contains("must not be empty", (await Assert.ThrowsAsync<ArgumentException>(() => cache.GetAsync<string>(""))).Message);

            var error = await Assert.ThrowsAsync<ClusterUnavailableException>(() => cache.GetAsync<string>(TestKey.New()));
            Assert.Contains("could not be reached", error.Message);
        }
        finally
        {
            await cluster.Cluster.DisposeAsync();
        }
    }
}
