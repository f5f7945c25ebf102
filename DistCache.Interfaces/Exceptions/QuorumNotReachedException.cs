namespace DistCache;

/// <summary>
/// Fewer replicas answered than the consistency level needs. A write that throws this may still
/// have been applied on the replicas that acknowledged it; it was not promised to survive.
/// </summary>
[GenerateSerializer, Alias("distcache.quorum-not-reached")]
public sealed class QuorumNotReachedException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public QuorumNotReachedException() { }

    /// <summary>Creates the exception for <paramref name="operation"/> at <paramref name="level"/>.</summary>
    public QuorumNotReachedException(string operation, ConsistencyLevel level, int required, int acknowledged, int replicas, Exception? firstError)
        : base($"{level} {operation} needed {required} of {replicas} replica acks and got {acknowledged}" +
               (firstError is null ? "." : $"; the first error: {firstError.Message}"), firstError!)
    {
        Level = level;
        Required = required;
        Acknowledged = acknowledged;
        Replicas = replicas;
    }

    /// <summary>Creates the exception with a message.</summary>
    public QuorumNotReachedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public QuorumNotReachedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The consistency level that was asked for.</summary>
    [Id(0)] public ConsistencyLevel Level { get; private set; }

    /// <summary>How many acknowledgements the level needed.</summary>
    [Id(1)] public int Required { get; private set; }

    /// <summary>How many replicas acknowledged.</summary>
    [Id(2)] public int Acknowledged { get; private set; }

    /// <summary>How many replicas were asked.</summary>
    [Id(3)] public int Replicas { get; private set; }
}
