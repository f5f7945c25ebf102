namespace DistCache;

/// <summary>Not one of the replicas chosen for a key answered.</summary>
[GenerateSerializer, Alias("distcache.all-replicas-failed")]
public sealed class AllReplicasFailedException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public AllReplicasFailedException() { }

    /// <summary>Creates the exception for an operation whose <paramref name="replicas"/> replicas all failed.</summary>
    public AllReplicasFailedException(string operation, int replicas, Exception? firstError)
        : base($"{operation} failed on all {replicas} replicas{(firstError is null ? "." : $"; the first error: {firstError.Message}")}", firstError!)
        => Replicas = replicas;

    /// <summary>Creates the exception with a message.</summary>
    public AllReplicasFailedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AllReplicasFailedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>How many replicas were tried.</summary>
    [Id(0)] public int Replicas { get; private set; }
}
