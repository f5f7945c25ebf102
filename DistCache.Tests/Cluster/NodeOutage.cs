namespace DistCache.Tests.Cluster;

/// <summary>Puts nodes into a simulated outage for the length of a <c>using</c> block.</summary>
public sealed class NodeOutage : IAsyncDisposable
{
    private readonly CacheClusterFixture _fixture;
    private readonly string[] _nodeIds;

    private NodeOutage(CacheClusterFixture fixture, string[] nodeIds) => (_fixture, _nodeIds) = (fixture, nodeIds);

    public static async Task<NodeOutage> StartAsync(CacheClusterFixture fixture, params IEnumerable<string> nodeIds)
    {
        var outage = new NodeOutage(fixture, nodeIds.ToArray());
        await Task.WhenAll(outage._nodeIds.Select(id => fixture.Node(id).SimulateOutageAsync(true)));
        return outage;
    }

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_nodeIds.Select(id => _fixture.Node(id).SimulateOutageAsync(false)));
}
