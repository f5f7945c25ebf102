namespace DistCache;

/// <summary>A node refused an operation because it is out of service (a simulated outage), or failed while the operation waited for it.</summary>
[GenerateSerializer, Alias("distcache.node-unavailable")]
public sealed class NodeUnavailableException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public NodeUnavailableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public NodeUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NodeUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
