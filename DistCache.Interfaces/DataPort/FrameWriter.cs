using System.Net.Sockets;

namespace DistCache.DataPort;

/// <summary>
/// Sends whole frames on one socket, one after another. .NET does not promise that concurrent sends on one
/// socket stay whole (dotnet/runtime#44422 saw synchronous ones interleave on Linux; .NET 10's asynchronous
/// ones kept whole in this project's test), and a connection's frames are finished on many threads (a silo's
/// nodes answer in parallel). So the first sender sends; frames that arrive meanwhile queue behind it and
/// leave in its loop, so a send costs no thread hand-off of its own.
/// </summary>
internal sealed class FrameWriter(Socket socket)
{
    private readonly Queue<PooledFrame> _queued = new();
    private bool _sending;
    private bool _failed;

    /// <summary>
    /// Sends <paramref name="frame"/> after those before it and returns it to the pool. When the socket fails, the
    /// writer disposes it, so its reader ends the connection, and drops this frame and every later one.
    /// </summary>
    public void Send(PooledFrame frame)
    {
        bool first;
        lock (_queued)
        {
            if (_sending && !_failed)
            {
                _queued.Enqueue(frame);
                return;
            }

            first = !_failed;
            _sending = first;
        }

        if (first)
        {
            _ = SendLoopAsync(frame);
        }
        else
        {
            frame.Dispose();
        }
    }

    private async Task SendLoopAsync(PooledFrame frame)
    {
        while (true)
        {
            try
            {
                using (frame)
                {
                    for (var rest = frame.Written; !rest.IsEmpty;)
                    {
                        rest = rest[await socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false)..];
                    }
                }
            }
            catch (Exception)
            {
                Fail();
                return;
            }

            lock (_queued)
            {
                if (!_queued.TryDequeue(out frame!))
                {
                    _sending = false;
                    return;
                }
            }
        }
    }

    private void Fail()
    {
        lock (_queued)
        {
            _failed = true;
            while (_queued.TryDequeue(out var dropped))
            {
                dropped.Dispose();
            }
        }

        socket.Dispose();
    }
}
