using System.Net;
using DistCache.DataPort;
using Orleans.Serialization;

namespace DistCache.Client;

/// <summary>The client's way to one silo's data port: a connection, made on first use and made again after it breaks.</summary>
/// <param name="endpoint">The silo's address and data port.</param>
/// <param name="serializer">Orleans' serializer, which writes the frames' payloads.</param>
/// <param name="connectTimeout">How long a connect may take; a silo whose machine is gone never refuses one.</param>
/// <param name="tally">The client's data port counts.</param>
internal sealed class DataPortChannel(IPEndPoint endpoint, Serializer serializer, TimeSpan connectTimeout, DataPortTally tally) : IAsyncDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private Task<DataPortConnection>? _connection;

    public async Task<DataPortReply> ServeAsync(DataPortRequest request)
    {
        Task<DataPortConnection> connecting;
        lock (_disposed)
        {
            if (_disposed.IsCancellationRequested)
            {
                throw new NodeUnavailableException($"The data port channel to {endpoint} is closed: the routing no longer sends to its silo.");
            }

            if (_connection is null || _connection.IsFaulted || _connection.IsCanceled || (_connection.IsCompletedSuccessfully && _connection.Result.IsClosed))
            {
                _connection = ConnectAsync();
            }

            connecting = _connection;
        }

        DataPortConnection connection;
        try
        {
            connection = await connecting;
        }
        catch (Exception error)
        {
            throw new NodeUnavailableException($"Could not connect to the data port at {endpoint}: {error.Message}", error);
        }

        tally.FrameSent();
        return await connection.ServeAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Task<DataPortConnection>? connection;
        lock (_disposed)
        {
            _disposed.Cancel();
            connection = _connection;
        }

        if (connection is null)
        {
            return;
        }

        try
        {
            var open = await connection;
            await open.DisposeAsync();
        }
        catch (Exception)
        {
            // Never connected, or the connect was cancelled: nothing to close.
        }
    }

    private async Task<DataPortConnection> ConnectAsync()
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        bounded.CancelAfter(connectTimeout);
        var connection = await DataPortConnection.ConnectAsync(endpoint, serializer, tally, bounded.Token);
        tally.Connected();
        return connection;
    }
}
