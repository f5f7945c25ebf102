namespace DistCache;

/// <summary>No cache node is registered: the cluster has nowhere to put or find a key.</summary>
[GenerateSerializer, Alias("distcache.no-nodes")]
public sealed class NoNodesException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public NoNodesException() : base("No cache nodes are registered with the coordinator.") { }

    /// <summary>Creates the exception with a message.</summary>
    public NoNodesException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NoNodesException(string message, Exception innerException) : base(message, innerException) { }
}
