using DistCache.Coordination;
using DistCache.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DistCache.Tests.Unit;

public sealed class NodeRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly DistCacheOptions _options = new();

    private NodeRegistry Registry() => new(new HealthPolicy(_options), _time);

    private static NodeRegistration Node(string id = "n1", long capacity = 1L << 30) => new(id, "silo-a", capacity);

    private static NodeHeartbeat Beat(double cpu = 10, long memoryUsed = 100, long memoryAvailable = 900, long bytes = 0) =>
        new(Node(), cpu, memoryUsed, memoryAvailable, new StoreCounters { Bytes = bytes, CapacityBytes = 1L << 30 });

    private static NodeStatus StatusOf(NodeRegistry registry) => registry.GetNodes().Single().Status;

    [Fact]
    public void ARegisteredNodeStartsActiveAndBumpsTheVersion()
    {
        var registry = Registry();
        var before = registry.Version;

        var info = registry.Register(Node(), out _);

        Assert.Equal(NodeStatus.Active, info.Status);
        Assert.True(registry.Version > before);
        Assert.Single(registry.GetTopology().Nodes);
    }

    [Fact]
    public void HealthMovesThroughDegradedFailedAndBackToActive()
    {
        var registry = Registry();
        registry.Register(Node(), out _);

        var version = registry.Version;
        Assert.Equal(new StatusChange("n1", NodeStatus.Active, NodeStatus.Degraded), registry.Heartbeat(Beat(cpu: 95)));
        Assert.True(registry.Version > version);

        Assert.Equal(new StatusChange("n1", NodeStatus.Degraded, NodeStatus.Active), registry.Heartbeat(Beat(cpu: 20)));
        Assert.Equal(new StatusChange("n1", NodeStatus.Active, NodeStatus.Degraded), registry.Heartbeat(Beat(memoryUsed: 950, memoryAvailable: 50)));
        registry.Heartbeat(Beat());

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(registry.Evaluate());
        Assert.Equal(NodeStatus.Active, StatusOf(registry));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([new StatusChange("n1", NodeStatus.Active, NodeStatus.Failed)], registry.Evaluate());
        Assert.Equal(NodeStatus.Failed, registry.GetTopology().Nodes.Single().Status);

        Assert.Equal(new StatusChange("n1", NodeStatus.Failed, NodeStatus.Active), registry.Heartbeat(Beat()));
    }

    [Fact]
    public void AFailedNodeReturningOverloadedComesBackDegraded()
    {
        var registry = Registry();
        registry.Register(Node(), out _);
        _time.Advance(TimeSpan.FromMinutes(1));
        registry.Evaluate();

        Assert.Equal(new StatusChange("n1", NodeStatus.Failed, NodeStatus.Degraded), registry.Heartbeat(Beat(cpu: 99)));
    }

    [Fact]
    public void ThresholdsAndTimeoutAreConfigurable()
    {
        _options.DegradedCpuPercent = 50;
        _options.HeartbeatTimeout = TimeSpan.FromSeconds(5);
        var registry = Registry();
        registry.Register(Node(), out _);

        registry.Heartbeat(Beat(cpu: 60));
        Assert.Equal(NodeStatus.Degraded, StatusOf(registry));

        _time.Advance(TimeSpan.FromSeconds(6));
        registry.Evaluate();
        Assert.Equal(NodeStatus.Failed, StatusOf(registry));
    }

    [Fact]
    public void UtilizationIsUsedBytesOverCapacity()
    {
        var registry = Registry();
        registry.Heartbeat(Beat(bytes: 512L << 20));
        Assert.Equal(0.5, registry.GetNodes().Single().Utilization);
    }

    [Fact]
    public void MetricsAloneDoNotChangeTheTopologyVersion()
    {
        var registry = Registry();
        registry.Register(Node(), out _);
        var version = registry.Version;
        registry.Heartbeat(Beat(cpu: 30, bytes: 1_000));
        registry.Heartbeat(Beat(cpu: 40, bytes: 2_000));
        Assert.Equal(version, registry.Version);
    }

    [Fact]
    public void AHeartbeatFromAnUnknownNodeRegistersIt()
    {
        var registry = Registry();
        registry.Heartbeat(Beat());
        Assert.Equal("n1", registry.GetNodes().Single().NodeId);
    }

    [Fact]
    public void UnregisteringRemovesTheNodeAndBumpsTheVersion()
    {
        var registry = Registry();
        registry.Register(Node(), out _);
        var version = registry.Version;

        Assert.True(registry.Unregister("n1"));
        Assert.False(registry.Unregister("n1"));
        Assert.True(registry.Version > version);
        Assert.Empty(registry.GetTopology().Nodes);
    }

    [Fact]
    public void AnUnregisteredNodeIsNotBroughtBackByALateHeartbeat()
    {
        var registry = Registry();
        registry.Register(Node(), out _);
        registry.Unregister("n1");

        registry.Heartbeat(Beat());
        Assert.False(registry.RegisterIfUnknown(Node()));
        Assert.Empty(registry.GetNodes());

        registry.Register(Node(), out _);
        Assert.Single(registry.GetNodes());
    }

    [Fact]
    public void ADeadSilosNodesAreFailedAtOnceAndForGood()
    {
        var registry = Registry();
        registry.Register(Node("n1"), out _);
        registry.Register(new NodeRegistration("n2", "silo-b", 1L << 30), out _);
        var version = registry.Version;

        Assert.Equal([new StatusChange("n1", NodeStatus.Active, NodeStatus.Failed)], registry.MarkSiloDead("silo-a"));
        Assert.True(registry.Version > version);
        Assert.Empty(registry.MarkSiloDead("silo-a"));

        registry.Heartbeat(Beat());
        Assert.Equal(NodeStatus.Failed, registry.GetNodes().Single(n => n.NodeId == "n1").Status);
        Assert.Equal(NodeStatus.Active, registry.GetNodes().Single(n => n.NodeId == "n2").Status);
        Assert.Throws<InvalidOperationException>(() => registry.Register(Node("n3"), out _));
    }

    [Fact]
    public void LongFailedNodesAreForgotten()
    {
        var registry = Registry();
        registry.Register(Node(), out _);
        _time.Advance(TimeSpan.FromMinutes(1));
        registry.Evaluate();
        Assert.Single(registry.GetNodes());

        _time.Advance(_options.FailedNodeRetention);
        registry.Evaluate();
        Assert.Empty(registry.GetNodes());
    }

    [Fact]
    public void ANewRegistryStartsFromAVersionNewerThanAnOldOne()
    {
        var old = Registry();
        for (var i = 0; i < 100; i++)
        {
            old.Register(Node($"n{i}"), out _);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Registry().Version > old.Version);
    }

    [Theory]
    [InlineData("", "silo", 1L, 0, "node id")]
    [InlineData("n1", " ", 1L, 0, "silo")]
    [InlineData("n1", "silo", 0L, 0, "capacity 0")]
    [InlineData("n1", "silo", 1L, -1, "data port -1")]
    [InlineData("n1", "silo", 1L, 65536, "data port 65536")]
    public void BadRegistrationsAreRejectedAndChangeNothing(string id, string silo, long capacity, int dataPort, string named)
    {
        var registry = Registry();
        var version = registry.Version;
        var error = Assert.Throws<ArgumentException>(() => registry.Register(new NodeRegistration(id, silo, capacity, dataPort), out _));
        Assert.Contains(named, error.Message);
        Assert.Equal(0, registry.Count);
        Assert.Equal(version, registry.Version);
    }
}
