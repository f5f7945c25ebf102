namespace DistCache.Tests.Cluster;

/// <summary>The coordinator's registry and health, driven by nodes the tests announce themselves.</summary>
[Collection(EmptyGroup.Name)]
public sealed class CoordinatorTests(EmptyCluster fixture)
{
    private const long GiB = 1L << 30;

    private static NodeRegistration Registration(string id) => new(id, "127.0.0.1:40000@1", GiB);

    private static NodeHeartbeat Beat(NodeRegistration node, double cpu = 10, long storeBytes = 0) =>
        new(node, cpu, 1_000, 9_000, new StoreCounters { Bytes = storeBytes, CapacityBytes = node.CapacityBytes });

    private async Task<NodeInfo?> NodeAsync(string id) => (await fixture.Coordinator.GetNodesAsync()).SingleOrDefault(n => n.NodeId == id);

    private async Task<NodeInfo> StatusAsync(string id, NodeStatus status) =>
        (await Eventually.MatchesAsync(() => NodeAsync(id), n => n?.Status == status, $"node {id} to be {status}"))!;

    [Fact]
    public async Task RegistrationAddsAnActiveNodeAndBumpsTheTopologyVersion()
    {
        var node = Registration(TestKey.New());
        var before = await fixture.Coordinator.GetTopologyAsync(Guid.Empty, -1);
        try
        {
            var info = await fixture.Coordinator.RegisterNodeAsync(node);

            Assert.Equal(NodeStatus.Active, info.Status);
            Assert.Equal(GiB, info.CapacityBytes);
            var after = await fixture.Coordinator.GetTopologyAsync(before!.Epoch, before.Version);
            Assert.NotNull(after);
            Assert.True(after.Version > before.Version);
            Assert.Contains(after.Nodes, n => n.NodeId == node.NodeId && n.Status == NodeStatus.Active);
            Assert.Null(await fixture.Coordinator.GetTopologyAsync(after.Epoch, after.Version));
        }
        finally
        {
            await fixture.Coordinator.UnregisterNodeAsync(node.NodeId);
        }

        Assert.DoesNotContain(await fixture.Coordinator.GetNodesAsync(), n => n.NodeId == node.NodeId);
    }

    [Fact]
    public async Task HeartbeatsMoveANodeBetweenActiveDegradedAndFailed()
    {
        var node = Registration(TestKey.New());
        await fixture.Coordinator.RegisterNodeAsync(node);
        try
        {
            await fixture.Coordinator.HeartbeatAsync(Beat(node, cpu: 95));
            await StatusAsync(node.NodeId, NodeStatus.Degraded);

            await fixture.Coordinator.HeartbeatAsync(Beat(node, cpu: 20));
            var active = await StatusAsync(node.NodeId, NodeStatus.Active);
            Assert.Equal(20, active.CpuPercent);
            Assert.Equal(10, active.MemoryPercent, precision: 6);

            fixture.Clock.Advance(TimeSpan.FromSeconds(31));
            await StatusAsync(node.NodeId, NodeStatus.Failed);

            await fixture.Coordinator.HeartbeatAsync(Beat(node));
            await StatusAsync(node.NodeId, NodeStatus.Active);
        }
        finally
        {
            await fixture.Coordinator.UnregisterNodeAsync(node.NodeId);
        }
    }

    [Fact]
    public async Task HalfAGibibyteUsedOfOneGibibyteIsFiftyPercentUtilization()
    {
        var node = Registration(TestKey.New());
        try
        {
            await fixture.Coordinator.HeartbeatAsync(Beat(node, storeBytes: 512L << 20));
            var info = await Eventually.MatchesAsync(() => NodeAsync(node.NodeId), n => n is not null, "the heartbeat to arrive");
            Assert.Equal(512L << 20, info!.UsedBytes);
            Assert.Equal(0.5, info.Utilization);
        }
        finally
        {
            await fixture.Coordinator.UnregisterNodeAsync(node.NodeId);
        }
    }

    [Fact]
    public async Task WithNoNodesEveryOperationFailsWithNoNodesException()
    {
        await fixture.WaitForTopologyAsync(nodes => nodes.Count == 0);
        await Assert.ThrowsAsync<NoNodesException>(() => fixture.Cache.GetAsync(TestKey.New(), ConsistencyLevel.Eventual));
        await Assert.ThrowsAsync<NoNodesException>(() => fixture.Cache.SetAsync(TestKey.New(), [1], null, ConsistencyLevel.Quorum));
        await Assert.ThrowsAsync<NoNodesException>(() => fixture.Cache.RemoveAsync(TestKey.New(), ConsistencyLevel.Strong));
    }

    [Fact]
    public async Task WhenEveryNodeIsFailedOperationsFailWithNoHealthyNodesException()
    {
        var node = Registration(TestKey.New());
        await fixture.Coordinator.RegisterNodeAsync(node);
        try
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(31));
            await fixture.WaitForTopologyAsync(nodes => nodes.Count == 1 && nodes[0].Status == NodeStatus.Failed);

            var error = await Assert.ThrowsAsync<NoHealthyNodesException>(() => fixture.Cache.GetAsync(TestKey.New(), ConsistencyLevel.Eventual));
            Assert.Equal(1, error.Registered);
            Assert.Contains("All 1 registered cache nodes are Failed", error.Message);
        }
        finally
        {
            await fixture.Coordinator.UnregisterNodeAsync(node.NodeId);
        }
    }

    [Fact]
    public async Task ABadRegistrationIsRejectedAndChangesNothing()
    {
        var before = await fixture.Coordinator.GetNodesAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            fixture.Coordinator.RegisterNodeAsync(new NodeRegistration("bad-node", "127.0.0.1:40000@1", -5)));
        Assert.Contains("capacity -5", error.Message);
        Assert.Equal(before, await fixture.Coordinator.GetNodesAsync());
    }
}
