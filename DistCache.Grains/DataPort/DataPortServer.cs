using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using DistCache.Hosting;
using DistCache.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace DistCache.DataPort;

/// <summary>
/// Serves clients' direct operations (<see cref="INodeGrain.ServeAsync"/>) over a plain TCP port. An Orleans
/// message takes several thread hand-offs on each side (socket to message loop, to the grain's scheduler, to
/// the send loop); here a frame read from the socket goes straight onto each addressed node activation's
/// scheduler, as an interleaved turn of that reentrant grain, and the last node to finish writes the reply
/// from its own thread. One frame carries a client's operations for all of this silo's nodes.
/// </summary>
internal sealed class DataPortServer(
    ILocalSiloDetails silo,
    IOptions<EndpointOptions> endpoints,
    LocalNodes nodes,
    Serializer serializer,
    IOptions<DistCacheOptions> options,
    ILogger<DataPortServer> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>
    /// The largest request frame read: a full batch of the largest writes, with room for keys, tags and framing.
    /// Anything longer is not a client's batch, and ends its connection before it is buffered.
    /// </summary>
    private readonly long _maxFrameBytes = DataPortFrame.MaxOperations * ((long)options.Value.MaxValueBytes + 32 * 1024);

    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    /// <summary>The port clients connect to, once the silo has started; 0 when the data port is off.</summary>
    public int Port { get; private set; }

    // Before the nodes start (Active), so their registrations carry the port; stopped after they have left.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DataPortServer), ServiceLifecycleStage.RuntimeGrainServices, StartAsync, StopAsync);

    public void Dispose()
    {
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DataPortEnabled)
        {
            return Task.CompletedTask;
        }

        // Where the silo listens (all addresses, say, behind NAT); clients connect to the address it advertises.
        var address = endpoints.Value.SiloListeningEndpoint?.Address ?? silo.SiloAddress.Endpoint.Address;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(address, options.Value.DataPort));
        }
        catch (SocketException error)
        {
            throw new InvalidOperationException(
                $"DistCache could not listen on its data port {address}:{options.Value.DataPort} (DistCache:DataPort): {error.Message}", error);
        }

        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        DistCacheLog.DataPortListening(logger, _listener.LocalEndPoint!.ToString()!);
        _accepting = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        // Also on a kill of an in-process silo: its clients must see the connection drop, as they would the process die.
        await _stopping.CancelAsync();
        _listener?.Dispose();
        DropConnections();
        await _accepting;
    }

    /// <summary>Closes every client connection; clients fail over what they had in flight, and connect again.</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // A connection reset before it was accepted.
            }

            socket.NoDelay = true;
            _connections[socket] = 0;
            _ = Task.Run(() => ServeConnectionAsync(socket), CancellationToken.None);
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var reader = PipeReader.Create(new NetworkStream(socket, ownsSocket: false));
        var writer = new FrameWriter(socket);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stopping.Token);
                var buffer = result.Buffer;
                while (DataPortFrame.TryRead(ref buffer, _maxFrameBytes, out var callId, out var kind, out var payload))
                {
                    if (kind != DataPortFrame.Request)
                    {
                        throw new InvalidDataException($"Data port frame kind {kind} is not a request.");
                    }

                    var request = serializer.Deserialize<DataPortRequest>(payload);
                    if (request?.Batches is not { } batches || Array.Exists(batches, b => b?.NodeId is null || b.Keys is null || b.Writes is null))
                    {
                        throw new InvalidDataException($"Data port call {callId} is not a well-formed request.");
                    }

                    Dispatch(writer, callId, request);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A client that went away or a silo stopping: the client sends what it had in flight through the entry grain.
            DistCacheLog.DataPortConnectionClosed(logger, remote, error.GetType().Name, error.Message);
        }
        catch (Exception error)
        {
            // A frame this silo cannot read: not a DistCache client of this version, or a broken one. Only its connection ends.
            DistCacheLog.DataPortBadInput(logger, remote, error.GetType().Name, error.Message);
        }
        finally
        {
            _connections.TryRemove(socket, out _);
            await reader.CompleteAsync();
            socket.Dispose();
        }
    }

    private void Dispatch(FrameWriter writer, long callId, DataPortRequest request)
    {
        var call = new Call(writer, serializer, callId, request);
        for (var i = 0; i < request.Batches.Length; i++)
        {
            if (nodes.TryGet(request.Batches[i].NodeId, out var node))
            {
                node.GrainContext.Scheduler.QueueAction(static state => ((NodeTurn)state).Run(), new NodeTurn(call, i, node));
            }
            else
            {
                call.Fail(i, $"Node {request.Batches[i].NodeId} is not serving on this silo.");
            }
        }
    }

    /// <summary>One request frame: its batches' replies, sent as one frame when the last node has answered.</summary>
    private sealed class Call(FrameWriter writer, Serializer serializer, long callId, DataPortRequest request)
    {
        private readonly NodeServeReply?[] _replies = new NodeServeReply?[request.Batches.Length];
        private readonly string?[] _errors = new string?[request.Batches.Length];
        private int _remaining = request.Batches.Length;

        public DataPortRequest Request => request;

        public void Answer(int batch, NodeServeReply reply)
        {
            _replies[batch] = reply;
            Done();
        }

        public void Fail(int batch, string error)
        {
            _errors[batch] = error;
            Done();
        }

        private void Done()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                writer.Send(DataPortFrame.Write(serializer, callId, DataPortFrame.Reply, new DataPortReply(_replies, _errors)));
            }
        }
    }

    /// <summary>One node's batch of a call, run on that node's activation.</summary>
    private sealed class NodeTurn(Call call, int batch, NodeGrain node)
    {
        public void Run()
        {
            Task<NodeServeReply> serving;
            try
            {
                var work = call.Request.Batches[batch];
                serving = node.ServeAsync(call.Request.Ring, work.Keys, work.VersionOnly, work.Writes);
            }
            catch (Exception error)
            {
                call.Fail(batch, error.Message);
                return;
            }

            if (serving.IsCompletedSuccessfully)
            {
                call.Answer(batch, serving.Result);
            }
            else
            {
                _ = AwaitAsync(serving);
            }
        }

        private async Task AwaitAsync(Task<NodeServeReply> serving)
        {
            try
            {
                call.Answer(batch, await serving);
            }
            catch (Exception error)
            {
                call.Fail(batch, error.Message);
            }
        }
    }
}
