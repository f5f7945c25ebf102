using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using DistCache.Client;
using DistCache.DataPort;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace DistCache.Tests.Unit;

/// <summary>The data port's framing and connections, over real loopback sockets; the peer is a plain listener the test controls.</summary>
public sealed class DataPortConnectionTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public DataPortConnectionTests() => _listener.Start();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Dispose()
    {
        _listener.Stop();
        _services.Dispose();
    }

    [Fact]
    public async Task FramesSentFromManyThreadsAtOnceArriveWholeAndInEachSendersOrder()
    {
        const int senders = 8, framesEach = 100;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(Endpoint);
        using var server = await _listener.AcceptSocketAsync();
        var writer = new FrameWriter(client);

        // Checks the writer's promise (every frame, whole, in its sender's order); this runtime's socket happened to
        // keep concurrent sends whole without it too. Sizes up to 128 KiB: beyond a socket buffer, so sends complete in pieces and queue behind each other.
        var sending = Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            var random = new Random(s);
            for (var n = 0; n < framesEach; n++)
            {
                writer.Send(Frame(id: ((long)s << 32) | (uint)n, random.Next(1, 128 * 1024)));
            }
        })).ToArray();

        var next = new int[senders];
        var reader = PipeReader.Create(new NetworkStream(server));
        for (var received = 0; received < senders * framesEach;)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            var buffer = result.Buffer;
            while (DataPortFrame.TryRead(ref buffer, DataPortFrame.MaxLength, out var id, out var kind, out var payload))
            {
                var (sender, n) = ((int)(id >> 32), (int)(uint)id);
                Assert.Equal(DataPortFrame.Request, kind);
                Assert.Equal(next[sender]++, n);
                Assert.True(payload.ToArray().All(b => b == (byte)id), $"frame {n} of sender {sender} arrived mixed with another");
                received++;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        await Task.WhenAll(sending);
        Assert.All(next, count => Assert.Equal(framesEach, count));
    }

    [Fact]
    public async Task ACallInFlightWhenTheSiloClosesItsConnectionFailsAtOnceAndTheNextCallConnectsAgain()
    {
        var tally = new DataPortTally();
        await using var channel = new DataPortChannel(Endpoint, Serializer, TimeSpan.FromSeconds(5), tally);
        var request = new DataPortRequest(7, [new NodeBatch("node", ["key"], null, [])]);

        // The peer reads the whole request, then closes without answering, as a silo that dies with it in hand.
        var first = channel.ServeAsync(request);
        using (var peer = await _listener.AcceptSocketAsync())
        {
            await ReadFrameAsync(peer);
        }

        var lost = await Assert.ThrowsAsync<NodeUnavailableException>(() => first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("data port connection", lost.Message);
        Assert.Equal(new DataPortCounters(1, 1, 1), tally.Read());

        // The next call connects again, and this peer answers.
        var second = channel.ServeAsync(request);
        using var answering = await _listener.AcceptSocketAsync();
        var (callId, asked) = await ReadFrameAsync(answering);
        var answer = new DataPortReply([new NodeServeReply([NodeReadResult.Missing], [])], [null]);
        using (var frame = DataPortFrame.Write(Serializer, callId, DataPortFrame.Reply, answer))
        {
            await answering.SendAsync(frame.Written);
        }

        var reply = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7ul, asked.Ring);
        Assert.Equal("key", Assert.Single(Assert.Single(asked.Batches).Keys));
        Assert.True(Assert.Single(Assert.Single(reply.Replies)!.Reads!)!.Version.IsNone);
        Assert.Equal(new DataPortCounters(2, 2, 1), tally.Read());
    }

    [Fact]
    public async Task AChannelToAPortNobodyListensOnFailsWithNodeUnavailable()
    {
        var endpoint = Endpoint;
        _listener.Stop();
        await using var channel = new DataPortChannel(endpoint, Serializer, TimeSpan.FromSeconds(5), new DataPortTally());

        var error = await Assert.ThrowsAsync<NodeUnavailableException>(() => channel.ServeAsync(new DataPortRequest(1, [])));

        Assert.Contains(endpoint.ToString(), error.Message);
    }

    /// <summary>A request frame whose payload is <paramref name="length"/> bytes, each the low byte of its id.</summary>
    private static PooledFrame Frame(long id, int length)
    {
        var frame = new PooledFrame();
        frame.GetSpan(DataPortFrame.HeaderLength + length)[..(DataPortFrame.HeaderLength + length)].Fill((byte)id);
        frame.Advance(DataPortFrame.HeaderLength + length);
        var header = frame.Written.Span;
        BinaryPrimitives.WriteInt32LittleEndian(header, header.Length - 4);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], id);
        header[12] = DataPortFrame.Request;
        return frame;
    }

    private async Task<(long CallId, DataPortRequest Request)> ReadFrameAsync(Socket peer)
    {
        var reader = PipeReader.Create(new NetworkStream(peer, ownsSocket: false));
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var buffer = result.Buffer;
            if (DataPortFrame.TryRead(ref buffer, DataPortFrame.MaxLength, out var callId, out _, out var payload))
            {
                var request = Assert.IsType<DataPortRequest>(Serializer.Deserialize<DataPortRequest>(payload));
                reader.AdvanceTo(buffer.Start);
                return (callId, request);
            }

            Assert.False(result.IsCompleted, "the connection ended before a whole frame arrived");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
