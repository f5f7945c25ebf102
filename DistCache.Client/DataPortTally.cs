namespace DistCache.Client;

/// <summary>The running counts behind <see cref="DataPortCounters"/>, shared by a client's channels, which come and go with silos.</summary>
internal sealed class DataPortTally
{
    private long _frames;
    private long _connections;
    private long _callsLost;

    public DataPortCounters Read() => new(Interlocked.Read(ref _frames), Interlocked.Read(ref _connections), Interlocked.Read(ref _callsLost));

    public void FrameSent() => Interlocked.Increment(ref _frames);

    public void Connected() => Interlocked.Increment(ref _connections);

    public void CallLost() => Interlocked.Increment(ref _callsLost);
}
