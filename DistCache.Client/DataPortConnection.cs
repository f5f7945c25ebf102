using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using DistCache.DataPort;
using Orleans.Serialization;

namespace DistCache.Client;

/// <summary>
/// One TCP connection to a silo's data port. Calls are pipelined and matched to replies by id; a reply
/// completes its call on the thread that read it. When the connection ends, every call on it fails
/// with <see cref="NodeUnavailableException"/>.
/// </summary>
internal sealed class DataPortConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Serializer _serializer;
    private readonly DataPortTally _tally;
    private readonly FrameWriter _writer;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<DataPortReply>> _pending = new();
    private readonly Task _receiving;
    private long _nextId;
    private volatile bool _closed;

    private DataPortConnection(Socket socket, Serializer serializer, DataPortTally tally)
    {
        (_socket, _serializer, _tally, _writer) = (socket, serializer, tally, new FrameWriter(socket));
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Whether the connection has ended; calls on it fail.</summary>
    public bool IsClosed => _closed;

    public static async Task<DataPortConnection> ConnectAsync(IPEndPoint endpoint, Serializer serializer, DataPortTally tally, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
        }
        catch (Exception)
        {
            socket.Dispose();
            throw;
        }

        return new DataPortConnection(socket, serializer, tally);
    }

    public Task<DataPortReply> ServeAsync(DataPortRequest request)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<DataPortReply>();
        _pending[id] = reply;

        // Checked after the call is listed, so a receive loop ending meanwhile fails it either here or there.
        if (_closed)
        {
            Fail(id, "the connection is closed");
            return reply.Task;
        }

        _writer.Send(DataPortFrame.Write(_serializer, id, DataPortFrame.Request, request));
        return reply.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _receiving;
    }

    /// <summary>Fails call <paramref name="id"/> with <paramref name="reason"/>; <paramref name="lost"/> when it was in flight as its connection ended, which the tally counts.</summary>
    private void Fail(long id, string reason, bool lost = false)
    {
        if (_pending.TryRemove(id, out var reply))
        {
            if (lost)
            {
                _tally.CallLost(); // Before the caller's code, which runs inline here, can read the tally.
            }

            reply.TrySetException(new NodeUnavailableException($"The data port connection to a silo failed: {reason}"));
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var reader = PipeReader.Create(new NetworkStream(_socket, ownsSocket: false));
        var reason = "the silo closed it";
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (DataPortFrame.TryRead(ref buffer, DataPortFrame.MaxLength, out var callId, out var kind, out var payload))
                {
                    if (kind != DataPortFrame.Reply)
                    {
                        throw new InvalidDataException($"Data port frame kind {kind} is not a reply.");
                    }

                    if (_pending.TryRemove(callId, out var reply))
                    {
                        reply.TrySetResult(_serializer.Deserialize<DataPortReply>(payload) ?? throw new InvalidDataException($"Data port reply {callId} is empty."));
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception error)
        {
            reason = error.Message;
        }

        _closed = true;
        await reader.CompleteAsync();
        _socket.Dispose();
        foreach (var id in _pending.Keys)
        {
            Fail(id, reason, lost: true);
        }
    }
}
