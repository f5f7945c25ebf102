namespace DistCache;

/// <summary>The cluster could not be reached: no gateway answered, or the connection to it was lost.</summary>
[GenerateSerializer, Alias("distcache.cluster-unavailable")]
public sealed class ClusterUnavailableException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClusterUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
