using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DistCache.Client;
using DistCache.DataPort;
using DistCache.Placement;
using DistCache.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace DistCache.Tests.Client;

/// <summary>The client's direct reads and writes travel over the silos' data ports, and survive what breaks them.</summary>
[Collection(ClientGroup.Name)]
public sealed class DataPortTests(ClientCluster fixture)
{
    [Fact]
    public async Task DirectReadsAndWritesTravelOverOneConnectionPerSiloWithValuesOfEverySize()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var (framesBefore, writesBefore, readsBefore) = (client.DataPortCounters!.Frames, client.NodeWriteCounters!.Direct, client.NodeReadCounters!.Direct);

        // Sizes around the pooled buffers' 4 KiB and up to 512 KiB, so frames span many socket reads.
        var sizes = new[] { 0, 1, 1000, 4083, 4096, 70_000, 512 * 1024 };
        var values = Enumerable.Range(0, 60).ToDictionary(i => TestKey.New(suffix: $"-{i}"), i => Value(sizes[i % sizes.Length], seed: i));
        // Strong, so no Quorum read below finds a replica still missing its write (it would fall back, rightly).
        await Task.WhenAll(values.Select(v => cache.SetBytesAsync(v.Key, v.Value, new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong })));
        var read = await Task.WhenAll(values.Keys.Select(key => cache.GetBytesAsync(key, ConsistencyLevel.Quorum)));

        Assert.Equal(values.Values, read);
        Assert.Equal(writesBefore + values.Count, client.NodeWriteCounters!.Direct);
        Assert.Equal(readsBefore + values.Count, client.NodeReadCounters!.Direct);
        var counters = client.DataPortCounters!;
        Assert.True(counters.Frames > framesBefore, "the direct operations must go over the data ports");
        Assert.Equal(fixture.Cluster.Silos.Count, counters.Connections);
        Assert.Equal(0, counters.CallsLost);
    }

    [Fact]
    public async Task WithTheDataPortTurnedOffDirectOperationsAreGrainCalls()
    {
        await using var services = ClientFactory.Services(fixture, o => o.UseDataPort = false);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var key = TestKey.New();
        var callsBefore = await DirectCallsAsync();

        await cache.SetBytesAsync(key, [4, 2]);
        Assert.Equal([4, 2], await cache.GetBytesAsync(key));

        Assert.Equal(new DataPortCounters(0, 0, 0), client.DataPortCounters);
        Assert.True(await DirectCallsAsync() > callsBefore, "the nodes must have served the operations as grain calls");
    }

    [Fact]
    public async Task WhenASiloDropsItsConnectionsOperationsFailOverAndTheClientConnectsAgain()
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var keys = Enumerable.Range(0, 40).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        await Task.WhenAll(keys.Select(key => cache.SetBytesAsync(key, [(byte)key.Length])));
        var connectionsBefore = client.DataPortCounters!.Connections;

        // Reads in flight when every silo closes its connections: each is answered, over the entry grain if it must.
        var reading = Task.WhenAll(Enumerable.Range(0, 400).Select(i => cache.GetBytesAsync(keys[i % keys.Length])));
        foreach (var silo in fixture.Cluster.Silos)
        {
            silo.ServiceProvider.GetRequiredService<DataPortServer>().DropConnections();
        }

        var answers = await reading;
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(new byte[] { (byte)keys[i % keys.Length].Length }, answers[i]);
        }

        var direct = client.NodeReadCounters!.Direct;
        await Eventually.TrueAsync(async () =>
        {
            Assert.Equal(new byte[] { (byte)keys[0].Length }, await cache.GetBytesAsync(keys[0], ConsistencyLevel.Strong));
            return client.NodeReadCounters.Direct > direct;
        }, "a read to go straight to the nodes again");
        Assert.True(client.DataPortCounters.Connections > connectionsBefore, "the client must have connected again");
    }

    [Theory]
    [InlineData("a frame longer than a silo accepts", int.MaxValue, DataPortFrame.Request, 0)]
    [InlineData("a frame shorter than its header", 3, DataPortFrame.Request, 0)]
    [InlineData("a reply sent to the silo", 9, DataPortFrame.Reply, 0)]
    [InlineData("a request that does not deserialize", 9 + 64, DataPortFrame.Request, 64)]
    public async Task GarbageOnADataPortEndsThatConnectionAndNothingElse(string what, int length, byte kind, int payloadBytes)
    {
        await using var services = ClientFactory.Services(fixture);
        var (cache, client) = await services.ReadyForDirectReadsAsync(fixture);
        var node = (await fixture.Cache.GetReadRoutingAsync()).Topology.Nodes[0];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(DataPortOf(node));

        var frame = new byte[DataPortFrame.HeaderLength + payloadBytes];
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(4), 42);
        frame[12] = kind;
        frame.AsSpan(DataPortFrame.HeaderLength).Fill(0xEE);
        await socket.SendAsync(frame);

        // The silo closes it: the read ends (0 bytes) or the connection is reset.
        var received = await ReceiveOrResetAsync(socket).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(received == 0, $"the silo must close the connection after {what}");

        var key = TestKey.New();
        var readsBefore = client.NodeReadCounters!.Direct;
        await cache.SetBytesAsync(key, [9], new DistCacheEntryOptions { Consistency = ConsistencyLevel.Strong });
        Assert.Equal([9], await cache.GetBytesAsync(key, ConsistencyLevel.Strong));
        Assert.Equal(readsBefore + 1, client.NodeReadCounters.Direct);
    }

    [Fact]
    public async Task AFrameForANodeNotOnTheSiloIsRefusedForThatNodeAlone()
    {
        var routing = await fixture.Cache.GetReadRoutingAsync();
        var node = routing.Topology.Nodes[0];
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [3], null, ConsistencyLevel.Strong); // Three nodes, three replicas: every node holds it.
        var tally = new DataPortTally();
        await using var channel = new DataPortChannel(DataPortOf(node), fixture.Client.ServiceProvider.GetRequiredService<Serializer>(), TimeSpan.FromSeconds(5), tally);

        var reply = await channel.ServeAsync(new DataPortRequest(routing.RingFingerprint,
            [new NodeBatch("no-such-node", [key], null, []), new NodeBatch(node.NodeId, [key], null, [])]));

        Assert.Null(reply.Replies[0]);
        Assert.Contains("Node no-such-node is not serving on this silo", reply.Errors[0]);
        Assert.Null(reply.Errors[1]);
        Assert.Equal([3], Assert.Single(reply.Replies[1]!.Reads!)!.Value);
        Assert.Equal(new DataPortCounters(1, 1, 0), tally.Read());
    }

    private static IPEndPoint DataPortOf(TopologyNode node)
    {
        Assert.True(node.DataPort > 0, $"node {node.NodeId} must publish its silo's data port");
        return new IPEndPoint(NodeIds.SiloOf(node.NodeId).Endpoint.Address, node.DataPort);
    }

    private static async Task<int> ReceiveOrResetAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16]);
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static byte[] Value(int size, int seed)
    {
        var value = new byte[size];
        new Random(seed).NextBytes(value);
        return value;
    }

    private async Task<long> DirectCallsAsync() =>
        (await Task.WhenAll((await fixture.NodeIdsAsync()).Select(id => fixture.Node(id).GetCountersAsync()))).Sum(c => c.DirectCalls);
}
